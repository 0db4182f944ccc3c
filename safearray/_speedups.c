/*
 * The compiled hot core of safearray (optional: safearray/_array.py keeps a pure-Python
 * fallback with the same behaviour, used when this module cannot be built or when
 * SAFEARRAY_PURE_PYTHON=1 is set).
 *
 * It provides `ArrayBase`, the base type of SafeArray, holding the five fields of a
 * tagged array (_a, _base, _src, _op, _policy), and on it:
 *   - __getitem__ (read path: index, tag by memory, wrap),
 *   - the binary, unary and comparison operators (results are Copies),
 * plus the constructors `new_copy`, `new_view`, `new_view_raw` and `wrap1`.
 * Writes (__setitem__, in-place operators, methods) stay in Python, where the write
 * policy is judged.
 *
 * The tag rule is the one of _array.py: a result is a View exactly when its memory
 * belongs to the buffer of the source, found through NumPy's collapsed base chain.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#if PY_VERSION_HEX < 0x030B0000
#include <frameobject.h> /* PyFrameObject's fields (f_globals), public up to 3.10 */
#endif

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <numpy/arrayscalars.h>

/* The layout matters beyond safearray: NumPy's Generator methods cast an `out` argument to
   ndarray without a type check (numpy/random/_common.pyx, check_output) and read its flags,
   which fall on `views` below: NULL or an aligned pointer, whose low bits read as "neither C
   nor F contiguous", so NumPy raises its ValueError before writing anything
   (tests/test_out.py pins it). Keep `views` a pointer at that offset. */
typedef struct ArrayBaseObject {
    PyObject_HEAD
    PyObject *a;      /* the ndarray (exact type) */
    PyObject *base;   /* owner of the memory; NULL for a Copy */
    PyObject *src;    /* what the View was made from (for messages) */
    PyObject *op;     /* index key or operation name (for messages) */
    PyObject *policy; /* per-array write policy, or NULL */
    PyObject *weakreflist;
    /* On an owner (a Copy, or a hub): the live Views whose memory it holds, borrowed; each View removes
       itself when it dies. The write judge reads it to tell who else sees the memory. */
    struct ArrayBaseObject **views; /* at the offset of ndarray's flags: see above */
    Py_ssize_t nviews, cap;
    Py_ssize_t slot1; /* on a registered View: 1 + its index in its holder's views; 0 otherwise */
    /* On a View of memory safearray does not own (the caller's ndarray, a buffer): the View
       whose registry holds it (the first tagged View of that memory), or NULL on that View. */
    PyObject *hub;
    /* On a View whose bytes were written through another path after it was made: what
       wrote them and where (safearray._stale.Staling); NULL while the View is fresh. */
    PyObject *stale;
} ArrayBaseObject;

static PyTypeObject ArrayBase_Type;
static PyTypeObject *View_Type = NULL;
static PyTypeObject *Copy_Type = NULL;
static PyObject *py_ndarray_name = NULL; /* safearray.ndarray: NumPy's ndarray once unwrapped */
static PyObject *py_wrap_other = NULL;  /* _array._wrap_other(r, srcs, op): subclasses, named tuples */

static PyObject *wrap_any(PyObject *r, PyObject *srcs, PyObject *op);

/* The write path. Writes into a named Copy are done here; writes into a View or a temporary
   go to Python (_array._judged_setitem / _judged_inplace), where the policy is judged. A
   temporary is recognised by its reference count, calibrated at import (record mode). */
static PyObject *py_judged_setitem = NULL;  /* (self, key, value, temp) */
static PyObject *py_judged_inplace = NULL;  /* (self, other, symbol, temp) */
static PyObject *py_readonly_error = NULL;  /* (self, op) -> ReadOnlyError */
static PyObject *py_set_part = NULL;  /* (self, name, value, temp): x.real = v, judged */
/* Stale Views (safearray/_stale.py): after a write into memory that has live Views,
   py_wrote(target, key) marks the Views whose bytes it changed; before a write, a stale
   source is judged by py_stale_source(source, target, op); with the general check on,
   every use of a stale View by py_stale_read(view). */
static PyObject *py_wrote = NULL;
static PyObject *py_stale_source = NULL;
static PyObject *py_stale_read = NULL;
/* py_compiled_swap(target, key, value): before `target[int] = View of the same memory`, refuses
   compiled code swapping rows through the sequence protocol (NumPy's generic shuffle) */
static PyObject *py_compiled_swap = NULL;
static int stale_reads = 0; /* the general check may be on somewhere (a block or the global) */
static Py_ssize_t setitem_temp = -1;        /* refcount of a temporary in __setitem__ */
static Py_ssize_t inplace_temp = -1;        /* refcount of a temporary in __iadd__ & co */
static int recording = 0;
static int adoption = 1; /* results of temporaries may own their memory (off: always Views) */
static Py_ssize_t recorded = 0;

/* An error raised by the Python judge points at the user's line: drop safearray's frames. */
static void
trim_traceback(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    PyObject *exc = PyErr_GetRaisedException();
    if (exc != NULL) {
        PyException_SetTraceback(exc, Py_None);
    }
    PyErr_SetRaisedException(exc);
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    Py_XDECREF(tb);
    PyErr_Restore(type, value, NULL);
#endif
}

/* Is `o`, received by a type slot or vectorcall that the interpreter called for the user's
   instruction, a temporary that nothing else holds? Up to 3.13 the evaluation stack owns a
   reference to every value on it, so a temporary has exactly one. From 3.14 locals may be
   pushed as borrowed references (a named local then also has one), and CPython says which
   is which: the value must be an owned reference on the calling frame's stack. */
#if PY_VERSION_HEX >= 0x030E0000
#define TEMPORARIES_BY "PyUnstable_Object_IsUniqueReferencedTemporary"
static inline int
is_temporary(PyObject *o)
{
    return PyUnstable_Object_IsUniqueReferencedTemporary(o);
}
#define TEMP_AT(o, rc, calibrated) ((calibrated) >= 0 && is_temporary(o))
#else
#define TEMPORARIES_BY "reference count"
static inline int
is_temporary(PyObject *o)
{
    return Py_REFCNT(o) == 1;
}
/* the write sites keep the count calibrated at import (record mode) */
#define TEMP_AT(o, rc, calibrated) ((rc) <= (calibrated))
#endif

/* View, Copy, or a class derived from them (a heap type: the static types NumPy and CPython
   hand over, ndarray, int, tuple, ..., are told apart without walking their MRO) */
#define IS_TAGGED(o) (Py_TYPE(o) == View_Type || Py_TYPE(o) == Copy_Type || \
                      (PyType_HasFeature(Py_TYPE(o), Py_TPFLAGS_HEAPTYPE) \
                           ? PyType_IsSubtype(Py_TYPE(o), &ArrayBase_Type) \
                           : Py_TYPE(o) == &ArrayBase_Type))

/* ------------------------------------------------------------------------------------ */
/* memory ownership */

/* The type of the object NumPy's stride tricks wrap an array's interface in
   (numpy.lib._stride_tricks_impl.DummyArray: as_strided, sliding_window_view), whose `base`
   attribute holds the array viewed; set by set_interface_holder(). */
static PyTypeObject *InterfaceHolder_Type = NULL;
static PyObject *base_name = NULL;

static PyObject *
root_of(PyArrayObject *x)
{
    PyObject *b = PyArray_BASE(x);
    if (b == NULL) {
        return (PyObject *)x;
    }
    while (PyArray_Check(b)) {
        PyObject *nb = PyArray_BASE((PyArrayObject *)b);
        if (nb == NULL) {
            return b;
        }
        b = nb;
    }
    if (Py_TYPE(b) == InterfaceHolder_Type) {
        /* as_strided(x): the memory is x's; the holder keeps x alive, so x's root outlives
           this borrowed reference */
        PyObject *inner = PyObject_GetAttr(b, base_name);
        if (inner == NULL) {
            PyErr_Clear();
            return b;
        }
        if (PyArray_Check(inner)) {
            PyObject *r = root_of((PyArrayObject *)inner);
            Py_DECREF(inner);
            return r;
        }
        Py_DECREF(inner);
    }
    return b;
}

static int
shares_root(PyArrayObject *r, PyArrayObject *a)
{
    PyObject *rb = PyArray_BASE(r);
    if (rb == NULL) {
        return 0;
    }
    if (rb == (PyObject *)a) {
        return 1;
    }
    PyObject *ab = PyArray_BASE(a);
    if (ab != NULL && rb == ab) {
        return 1;
    }
    return root_of(r) == root_of(a);
}

/* ------------------------------------------------------------------------------------ */
/* the owner's registry of its live Views */

/* Counts the Views that left a registry: a pass over a registry that allocates (and may so run
   a garbage collection, which can free Views) knows from it whether the registry changed. */
static unsigned long registry_epoch = 0;

static int
register_view(ArrayBaseObject *owner, ArrayBaseObject *v)
{
    if (owner->nviews == owner->cap) {
        Py_ssize_t cap = owner->cap ? owner->cap * 2 : 4;
        ArrayBaseObject **grown = PyMem_Realloc(owner->views, cap * sizeof(ArrayBaseObject *));
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        owner->views = grown;
        owner->cap = cap;
    }
    owner->views[owner->nviews++] = v;
    v->slot1 = owner->nviews;
    return 0;
}

/* The tagged array whose registry holds the Views of `v`'s memory: v itself for a Copy, its
   base for a View of a Copy, else the hub (NULL when v is the hub). */
static inline ArrayBaseObject *
holder_of(ArrayBaseObject *v)
{
    if (v->base == NULL) {
        return v;
    }
    if (IS_TAGGED(v->base)) {
        return (ArrayBaseObject *)v->base;
    }
    return (ArrayBaseObject *)v->hub;
}

static void
unregister_view(ArrayBaseObject *v)
{
    if (v->slot1 == 0 || v->base == NULL) {
        return;
    }
    ArrayBaseObject *owner = holder_of(v);
    if (owner == NULL) {
        v->slot1 = 0;
        return;
    }
    Py_ssize_t i = v->slot1 - 1;
    registry_epoch++;
    ArrayBaseObject *last = owner->views[--owner->nviews];
    owner->views[i] = last;
    last->slot1 = i + 1;
    v->slot1 = 0;
}

static void
forget_views(ArrayBaseObject *owner)
{
    for (Py_ssize_t i = 0; i < owner->nviews; i++) {
        owner->views[i]->slot1 = 0;
    }
    PyMem_Free(owner->views);
    owner->views = NULL;
    owner->nviews = owner->cap = 0;
}

/* ------------------------------------------------------------------------------------ */
/* stale Views */

static void written_bounds(PyObject *a, PyObject *key, char **lo, char **hi);
static PyObject *written_part(PyObject *a, PyObject *key);
static void byte_bounds(PyArrayObject *x, char **lo, char **hi);

static inline int
is_stale(PyObject *o)
{
    PyObject *s = ((ArrayBaseObject *)o)->stale;
    return s != NULL && s != Py_None;
}

/* After a write into `self` (`key`: its index, NULL for all of it; `value`: what was written):
   the Views of the same memory whose bytes changed become stale. Only reaches Python when
   other live Views of that memory exist. */
/* The elements a write reaches: an array's, or the part of it a basic index selects (made
   here from the key, without asking NumPy for a view, when the key is ints and slices). */
typedef struct {
    char *data;
    int nd;
    npy_intp item;
    npy_intp dim[NPY_MAXDIMS], stride[NPY_MAXDIMS];
} Region;

static inline void
region_of_array(PyArrayObject *x, Region *r)
{
    r->data = PyArray_BYTES(x);
    r->nd = PyArray_NDIM(x);
    r->item = PyArray_ITEMSIZE(x);
    memcpy(r->dim, PyArray_DIMS(x), r->nd * sizeof(npy_intp));
    memcpy(r->stride, PyArray_STRIDES(x), r->nd * sizeof(npy_intp));
}

/* `x[key]` as a Region when key is an int, a slice or a tuple of them (at most one per
   dimension); 0 for any other key, and for an int out of range (NumPy judges those). */
static int
region_of_key(PyArrayObject *x, PyObject *key, Region *r)
{
    PyObject *const *keys = &key;
    Py_ssize_t nk = 1;
    if (PyTuple_CheckExact(key)) {
        keys = &PyTuple_GET_ITEM(key, 0);
        nk = PyTuple_GET_SIZE(key);
    }
    if (nk > PyArray_NDIM(x)) {
        return 0;
    }
    r->data = PyArray_BYTES(x);
    r->item = PyArray_ITEMSIZE(x);
    r->nd = 0;
    int d = 0;
    for (; d < nk; d++) {
        PyObject *k = keys[d];
        npy_intp n = PyArray_DIM(x, d), st = PyArray_STRIDE(x, d);
        if (PyLong_CheckExact(k)) {
            Py_ssize_t i = PyLong_AsSsize_t(k);
            if (i == -1 && PyErr_Occurred()) {
                PyErr_Clear();
                return 0;
            }
            if (i < 0) {
                i += n;
            }
            if (i < 0 || i >= n) {
                return 0;
            }
            r->data += i * st;
        }
        else if (PySlice_Check(k)) {
            Py_ssize_t start, stop, step;
            if (PySlice_Unpack(k, &start, &stop, &step) < 0) {
                PyErr_Clear();
                return 0;
            }
            Py_ssize_t len = PySlice_AdjustIndices(n, &start, &stop, step);
            if (len > 0) {
                r->data += start * st;
            }
            r->dim[r->nd] = len;
            r->stride[r->nd++] = st * step;
        }
        else {
            return 0;
        }
    }
    for (; d < PyArray_NDIM(x); d++) {
        r->dim[r->nd] = PyArray_DIM(x, d);
        r->stride[r->nd++] = PyArray_STRIDE(x, d);
    }
    return 1;
}

static inline npy_intp
region_size(const Region *r)
{
    npy_intp n = 1;
    for (int i = 0; i < r->nd; i++) {
        n *= r->dim[i];
    }
    return n;
}

/* The bytes [lo, hi) that elements at `data` with these dimensions and strides span (hi == lo
   when there is none). */
static void
strided_bounds(char *data, int nd, const npy_intp *dims, const npy_intp *strides, npy_intp item,
               char **lo, char **hi)
{
    char *l = data, *h = l;
    for (int i = 0; i < nd; i++) {
        npy_intp dim = dims[i], st = strides[i];
        if (dim == 0) {
            *lo = *hi = l;
            return;
        }
        if (st > 0) {
            h += st * (dim - 1);
        }
        else {
            l += st * (dim - 1);
        }
    }
    *lo = l;
    *hi = h + item;
}

static inline void
region_bounds(const Region *r, char **lo, char **hi)
{
    strided_bounds(r->data, r->nd, r->dim, r->stride, r->item, lo, hi);
}

/* A strided array's element addresses in a form where membership is one division per
   dimension: dimensions of one element or stride 0 dropped, strides made positive (the
   origin moved to the lowest element), sorted by stride, largest first. */
typedef struct {
    char *origin;
    int nd;
    npy_intp dim[NPY_MAXDIMS], stride[NPY_MAXDIMS];
} Lattice;

/* 1 when `x` fits a Lattice whose strides nest (each larger than the extent of the smaller
   ones), so an address has at most one index; 0 otherwise. */
static int
lattice_of(const Region *x, Lattice *l)
{
    l->origin = x->data;
    l->nd = 0;
    for (int i = 0; i < x->nd; i++) {
        npy_intp n = x->dim[i], st = x->stride[i];
        if (n == 1 || st == 0) {
            continue;
        }
        if (st < 0) {
            l->origin += st * (n - 1);
            st = -st;
        }
        int k = l->nd++;
        while (k > 0 && l->stride[k - 1] < st) { /* insertion: largest stride first */
            l->stride[k] = l->stride[k - 1];
            l->dim[k] = l->dim[k - 1];
            k--;
        }
        l->stride[k] = st;
        l->dim[k] = n;
    }
    npy_intp extent = x->item;
    for (int k = l->nd - 1; k >= 0; k--) {
        if (l->stride[k] < extent) {
            return 0;
        }
        extent += l->stride[k] * (l->dim[k] - 1);
    }
    return 1;
}

static int
lattice_has(const Lattice *l, char *p)
{
    npy_intp off = p - l->origin;
    if (off < 0) {
        return 0;
    }
    for (int k = 0; k < l->nd; k++) {
        npy_intp i = off / l->stride[k];
        if (i >= l->dim[k]) {
            return 0;
        }
        off -= i * l->stride[k];
    }
    return off == 0;
}

/* Do the ndarray x and the region y share a byte? 1 or 0 when it is decided here (same item size,
   element grids that coincide, y's strides nesting, x small enough to walk), -1 otherwise. */
static int
overlap_exact(PyArrayObject *x, const Region *y)
{
    npy_intp item = PyArray_ITEMSIZE(x), ysize = region_size(y);
    if (item != y->item || PyArray_SIZE(x) == 0 || ysize == 0) {
        return PyArray_SIZE(x) == 0 || ysize == 0 ? 0 : -1;
    }
    if (PyArray_SIZE(x) > 4096) {
        return -1;
    }
    Lattice ly;
    if (!lattice_of(y, &ly) || (PyArray_BYTES(x) - y->data) % item != 0) {
        return -1;
    }
    for (int i = 0; i < PyArray_NDIM(x); i++) {
        if (PyArray_STRIDE(x, i) % item != 0) {
            return -1;
        }
    }
    for (int k = 0; k < ly.nd; k++) {
        if (ly.stride[k] % item != 0) {
            return -1;
        }
    }
    /* walk x's elements: on the same grid of items, two elements share a byte iff they start
       at the same address */
    int nd = PyArray_NDIM(x);
    npy_intp idx[NPY_MAXDIMS] = {0};
    char *p = PyArray_BYTES(x);
    for (;;) {
        if (lattice_has(&ly, p)) {
            return 1;
        }
        int d = nd - 1;
        while (d >= 0) {
            if (++idx[d] < PyArray_DIM(x, d)) {
                p += PyArray_STRIDE(x, d);
                break;
            }
            p -= PyArray_STRIDE(x, d) * (PyArray_DIM(x, d) - 1);
            idx[d] = 0;
            d--;
        }
        if (d < 0) {
            return 0;
        }
    }
}

static PyObject *safearray_prefix = NULL; /* "safearray." */
static PyObject *name_key;                /* "__name__" (defined with the __class__ getter) */

/* The frame's last instruction (the statement that runs: with the code, it gives the line) */
static inline long
frame_lasti(PyFrameObject *f)
{
#if PY_VERSION_HEX >= 0x030B0000
    return (long)PyFrame_GetLasti(f);
#else
    return (long)f->f_lasti;
#endif
}

/* The key as a record keeps it: an index array is not kept alive for a message (False). */
static inline PyObject *
record_key(PyObject *key)
{
    return key == NULL ? Py_None :
           (PyLong_CheckExact(key) || PySlice_Check(key) || PyTuple_CheckExact(key) ||
            key == Py_Ellipsis) ? key : Py_False;
}

#define RECORD_SIZE 9

/* What made the Views stale, as _stale.Staling reads it from the compiled core: (type of the
   target, its shape, its dtype, key, op, id of the frame, code, line, last instruction). */
static PyObject *
staling_record(ArrayBaseObject *self, PyObject *key, PyObject *op, PyFrameObject *f)
{
    PyArrayObject *a = (PyArrayObject *)self->a;
    PyObject *r = PyTuple_New(RECORD_SIZE);
    PyObject *shape = PyTuple_New(PyArray_NDIM(a));
    if (r == NULL || shape == NULL) {
        Py_XDECREF(r);
        Py_XDECREF(shape);
        return NULL;
    }
    PyTuple_SET_ITEM(r, 1, shape);
    for (int i = 0; i < PyArray_NDIM(a); i++) {
        PyObject *n = PyLong_FromSsize_t(PyArray_DIM(a, i));
        if (n == NULL) {
            Py_DECREF(r);
            return NULL;
        }
        PyTuple_SET_ITEM(shape, i, n);
    }
    PyTuple_SET_ITEM(r, 0, Py_NewRef((PyObject *)Py_TYPE(self)));
    PyTuple_SET_ITEM(r, 2, Py_NewRef((PyObject *)PyArray_DESCR(a)));
    PyTuple_SET_ITEM(r, 3, Py_NewRef(record_key(key)));
    PyTuple_SET_ITEM(r, 4, Py_NewRef(op ? op : Py_None));
    PyTuple_SET_ITEM(r, 6, f ? (PyObject *)PyFrame_GetCode(f) : Py_NewRef(Py_None));
    PyObject *id = PyLong_FromSsize_t((Py_ssize_t)(uintptr_t)f);
    PyObject *line = PyLong_FromLong(f ? PyFrame_GetLineNumber(f) : 0);
    PyObject *lasti = PyLong_FromLong(f ? frame_lasti(f) : -1);
    if (id == NULL || line == NULL || lasti == NULL) {
        Py_XDECREF(id);
        Py_XDECREF(line);
        Py_XDECREF(lasti);
        Py_DECREF(r);
        return NULL;
    }
    PyTuple_SET_ITEM(r, 5, id);
    PyTuple_SET_ITEM(r, 7, line);
    PyTuple_SET_ITEM(r, 8, lasti);
    return r;
}

/* `old`, a View's record, when it is the one staling_record would make now (the same statement
   of the same running frame writing into the same kind of target: a loop), as a new reference;
   else NULL, no error set. */
static PyObject *
same_record(PyObject *old, ArrayBaseObject *self, PyObject *key, PyObject *op, PyFrameObject *f)
{
    if (old == NULL || f == NULL || !PyTuple_CheckExact(old) || PyTuple_GET_SIZE(old) != RECORD_SIZE) {
        return NULL;
    }
    PyArrayObject *a = (PyArrayObject *)self->a;
    PyObject *k = record_key(key), *was = PyTuple_GET_ITEM(old, 3);
    PyObject *shape = PyTuple_GET_ITEM(old, 1);
    if (PyTuple_GET_ITEM(old, 0) != (PyObject *)Py_TYPE(self) ||
        PyTuple_GET_ITEM(old, 2) != (PyObject *)PyArray_DESCR(a) ||
        PyTuple_GET_ITEM(old, 4) != (op ? op : Py_None) ||
        PyLong_AsSsize_t(PyTuple_GET_ITEM(old, 5)) != (Py_ssize_t)(uintptr_t)f ||
        PyLong_AsLong(PyTuple_GET_ITEM(old, 8)) != frame_lasti(f) ||
        PyTuple_GET_SIZE(shape) != PyArray_NDIM(a)) {
        PyErr_Clear();
        return NULL;
    }
    PyCodeObject *code = PyFrame_GetCode(f);
    Py_DECREF(code); /* the frame holds it */
    if (PyTuple_GET_ITEM(old, 6) != (PyObject *)code) {
        return NULL;
    }
    for (int i = 0; i < PyArray_NDIM(a); i++) {
        if (PyLong_AsSsize_t(PyTuple_GET_ITEM(shape, i)) != PyArray_DIM(a, i)) {
            PyErr_Clear();
            return NULL;
        }
    }
    if (was != k) { /* ints past 256 and slices are new objects at each run of the line */
        if (Py_TYPE(was) != Py_TYPE(k) || !(PyLong_CheckExact(k) || PySlice_Check(k))) {
            return NULL;
        }
        int eq = PyObject_RichCompareBool(was, k, Py_EQ);
        if (eq != 1) {
            PyErr_Clear();
            return NULL;
        }
    }
    return Py_NewRef(old);
}

/* Is the running Python frame safearray's own (then Python finds the user's frame)? */
static int
frame_is_ours(PyFrameObject *f)
{
    if (f == NULL) {
        return 0;
    }
#if PY_VERSION_HEX >= 0x030B0000
    PyObject *globals = PyFrame_GetGlobals(f);
#else
    PyObject *globals = f->f_globals;
    Py_XINCREF(globals);
#endif
    if (globals == NULL) {
        PyErr_Clear();
        return 0;
    }
    PyObject *name = PyDict_GetItemWithError(globals, name_key);
    int ours = name != NULL && PyUnicode_Check(name) &&
               PyUnicode_Tailmatch(name, safearray_prefix, 0, PY_SSIZE_T_MAX, -1) == 1;
    Py_DECREF(globals);
    PyErr_Clear();
    return ours;
}

/* After a write into `self` (`key`: its index, NULL for all of it; `value`: what was written;
   `op`: the operator): the Views of the same memory whose bytes changed become stale. Nothing
   to do without other live Views whose bounds meet the written bytes; the exact test and the
   record are made here when they can be, else by _stale.wrote. */
static int
after_write(ArrayBaseObject *self, PyObject *key, PyObject *value, PyObject *op)
{
    ArrayBaseObject *h = holder_of(self);
    if (h == NULL) {
        h = self;
    }
    if (h->nviews == 0 || (h->nviews == 1 && h->views[0] == self)) {
        return 0;
    }
    char *lo, *hi;
    Region region;
    PyObject *part = NULL;
    if (key == NULL || key == Py_None) {
        region_of_array((PyArrayObject *)self->a, &region);
    }
    else if (!region_of_key((PyArrayObject *)self->a, key, &region)) {
        part = written_part(self->a, key);
        region_of_array((PyArrayObject *)(part ? part : self->a), &region);
    }
    region_bounds(&region, &lo, &hi);
    if (value != NULL && IS_TAGGED(value) && ((ArrayBaseObject *)value)->a != NULL) {
        PyArrayObject *va = (PyArrayObject *)((ArrayBaseObject *)value)->a;
        if (PyArray_BYTES(va) == region.data && PyArray_NDIM(va) == region.nd &&
            PyArray_ITEMSIZE(va) == region.item &&
            !memcmp(PyArray_DIMS(va), region.dim, region.nd * sizeof(npy_intp)) &&
            !memcmp(PyArray_STRIDES(va), region.stride, region.nd * sizeof(npy_intp))) {
            Py_XDECREF(part);
            return 0; /* x[k] = v with v a View of x[k]: nothing changes */
        }
    }
    /* one pass: each View whose bounds meet the written bytes is decided exactly here and
       marked; when one cannot be (or the frame is safearray's own), Python decides them all */
    int python = 0, status = 0;
    unsigned long epoch = registry_epoch;
    PyObject *record = NULL;
    PyFrameObject *f = NULL;
    for (Py_ssize_t i = 0; i < h->nviews && !python; i++) {
        ArrayBaseObject *w = h->views[i];
        char *wlo, *whi;
        if (w == self || w->a == NULL) {
            continue;
        }
        byte_bounds((PyArrayObject *)w->a, &wlo, &whi);
        if (!(wlo < hi && lo < whi)) {
            continue;
        }
        int overlap = overlap_exact((PyArrayObject *)w->a, &region);
        if (overlap < 0) {
            python = 1;
        }
        else if (overlap == 1 && record != NULL) {
            if (w->stale != record) {
                Py_INCREF(record);
                Py_XSETREF(w->stale, record); /* the old record may hold the last reference to
                                                 a View (its key): see below */
            }
        }
        else if (overlap == 1) {
            /* The record is made once, at the first View to mark. Making it allocates, and a
               garbage collection may then free Views of this registry (those in reference
               cycles), w among them: w is held meanwhile. */
            Py_INCREF(w);
            f = PyEval_GetFrame();
            /* made by this statement before (its frame was the user's), or anew */
            record = same_record(w->stale, self, key, op, f);
            if (record == NULL && frame_is_ours(f)) {
                python = 1;
            }
            else if (record == NULL && (record = staling_record(self, key, op, f)) == NULL) {
                status = -1;
            }
            if (record != NULL && w->stale != record) {
                Py_INCREF(record);
                Py_XSETREF(w->stale, record);
            }
            Py_DECREF(w);
            if (record == NULL) {
                break;
            }
        }
        if (registry_epoch != epoch) {
            /* a View left the registry meanwhile, and the last one took its place: the pass
               starts again (marking is idempotent; the record exists now) */
            epoch = registry_epoch;
            i = -1;
        }
    }
    Py_XDECREF(record);
    Py_XDECREF(part);
    if (status < 0 || !python) {
        return status;
    }
    PyObject *r = PyObject_CallFunctionObjArgs(py_wrote, (PyObject *)self, key ? key : Py_None,
                                               value ? value : Py_None, op ? op : Py_None, NULL);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

/* Before a write into `target` whose source `o` may be a stale View: judged in Python. */
static int
check_source(PyObject *o, PyObject *target, PyObject *op)
{
    if (!IS_TAGGED(o) || !is_stale(o)) {
        return 0;
    }
    PyObject *r = PyObject_CallFunctionObjArgs(py_stale_source, o, target, op ? op : Py_None, NULL);
    if (r == NULL) {
        trim_traceback();
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

/* A use of `o` while the general check of stale reads may be on. */
static int
check_read_slow(PyObject *o)
{
    PyObject *r = PyObject_CallOneArg(py_stale_read, o);
    if (r == NULL) {
        trim_traceback();
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

#define STALE_READ(o) (stale_reads && IS_TAGGED(o) && is_stale(o) && check_read_slow(o) < 0)

/* ------------------------------------------------------------------------------------ */
/* constructors */

/* A free list of View and Copy objects: every operation makes one, and most die young.
   Kept objects are untracked by the GC, their fields cleared, their type reference released;
   reused with PyObject_Init and PyObject_GC_Track. On only when configure() found View and
   Copy laid out as ArrayBase (no __dict__, no finalizer, no slots of their own). */
#define FREELIST_MAX 80
static PyObject *freelist[FREELIST_MAX];
static int nfree = 0;
static int freelist_on = 0;

static inline ArrayBaseObject *
alloc_tagged(PyTypeObject *type)
{
    if (nfree > 0) {
        ArrayBaseObject *o = (ArrayBaseObject *)freelist[--nfree];
        memset((char *)o + sizeof(PyObject), 0, sizeof(ArrayBaseObject) - sizeof(PyObject));
        PyObject_Init((PyObject *)o, type);
        PyObject_GC_Track(o);
        return o;
    }
    return (ArrayBaseObject *)type->tp_alloc(type, 0);
}

static int ArrayBase_clear(ArrayBaseObject *self);

/* tp_dealloc of View and Copy (in place of CPython's subtype_dealloc, which adds nothing
   for classes without __dict__, finalizer or slots) */
static void
Tagged_dealloc(ArrayBaseObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    /* out of the registries before any Python code runs: a weakref callback may list the
       live Views of this memory (a write through a fancy index does), and a View found there
       while it dies would be revived and freed twice */
    unregister_view(self);
    if (self->views != NULL) {
        forget_views(self);
    }
    if (self->weakreflist != NULL) {
        PyObject_ClearWeakRefs((PyObject *)self);
    }
    /* as ArrayBase_clear, without setting the fields to NULL one by one: nothing reaches a
       dead View's fields (it has left its holder's registry, and a hub is kept alive by its
       Views), and alloc_tagged clears them all at once */
    Py_XDECREF(self->a);
    Py_XDECREF(self->base);
    Py_XDECREF(self->src);
    Py_XDECREF(self->op);
    Py_XDECREF(self->policy);
    Py_XDECREF(self->hub);
    Py_XDECREF(self->stale);
    if (freelist_on && nfree < FREELIST_MAX) {
        freelist[nfree++] = (PyObject *)self;
    }
    else {
        type->tp_free((PyObject *)self);
    }
    Py_DECREF(type);
}

/* Whether the Python class `t` (View or Copy) may use Tagged_dealloc and the free list. */
static int
plain_layout(PyTypeObject *t)
{
    if (t->tp_basicsize != ArrayBase_Type.tp_basicsize || t->tp_itemsize != 0 ||
        t->tp_dictoffset != 0 || t->tp_finalize != NULL || t->tp_del != NULL ||
        t->tp_free != PyObject_GC_Del || t->tp_base == NULL ||
        !PyType_IsSubtype(t, &ArrayBase_Type)) {
        return 0;
    }
#ifdef Py_TPFLAGS_MANAGED_DICT
    if (t->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        return 0;
    }
#endif
#ifdef Py_TPFLAGS_MANAGED_WEAKREF
    if (t->tp_flags & Py_TPFLAGS_MANAGED_WEAKREF) {
        return 0;
    }
#endif
    return 1;
}

static PyObject *
make_copy(PyObject *a)
{
    ArrayBaseObject *c = alloc_tagged(Copy_Type);
    if (c == NULL) {
        return NULL;
    }
    Py_INCREF(a);
    c->a = a;
    return (PyObject *)c;
}

static PyObject *make_view_ex(PyObject *r, ArrayBaseObject *src, PyObject *op, int through);

static PyObject *
make_view(PyObject *r, ArrayBaseObject *src, PyObject *op)
{
    return make_view_ex(r, src, op, 0);
}

/* A View of `r` made by `op` from `src`. `through`: src is a temporary View, so the new View
   is remembered as made from what src was made from (`a[1:][::2][0] = 5` writes into `a`). */
static PyObject *
make_view_ex(PyObject *r, ArrayBaseObject *src, PyObject *op, int through)
{
    ArrayBaseObject *v = alloc_tagged(View_Type);
    if (v == NULL) {
        return NULL;
    }
    Py_INCREF(r);
    v->a = r;
    if (src->base == NULL) { /* a Copy: it owns the memory */
        Py_INCREF(src);
        Py_INCREF(src);
        v->base = (PyObject *)src;
        v->src = (PyObject *)src;
    }
    else { /* a View: keep its ndarray only, so that chains never grow */
        PyObject *from = through && src->src != NULL ? src->src : src->a;
        Py_INCREF(src->base);
        Py_INCREF(from);
        v->base = src->base;
        v->src = from;
    }
    if (IS_TAGGED(v->base)) {
        if (register_view((ArrayBaseObject *)v->base, v) < 0) {
            Py_DECREF(v);
            return NULL;
        }
    }
    else { /* memory safearray does not own: src's hub (or src, the first View of it) holds v */
        PyObject *hub = src->hub != NULL ? src->hub : (PyObject *)src;
        Py_INCREF(hub);
        v->hub = hub;
        if (register_view((ArrayBaseObject *)hub, v) < 0) {
            Py_DECREF(v);
            return NULL;
        }
    }
    Py_XINCREF(op);
    v->op = op;
    Py_XINCREF(src->policy);
    v->policy = src->policy;
    return (PyObject *)v;
}

/* Ownership: `r` was just made from the Copy `src`, which is a temporary. Does anything but
   `src` (and `views` Views of it, all about to go) see the memory? Only the plain chains
   `src->a is M` or `src->a -> M` (M owning the bytes) qualify, each link held exactly by the
   arrays of this chain and by `r`. */
static int
memory_private(ArrayBaseObject *src, PyObject *r, Py_ssize_t views)
{
    if (Py_TYPE(src) != Copy_Type || src->nviews != views || Py_REFCNT(r) != 1) {
        return 0;
    }
    PyObject *a = src->a;
    PyObject *rb = PyArray_BASE((PyArrayObject *)r);
    PyObject *ab = PyArray_BASE((PyArrayObject *)a);
    if (Py_REFCNT(a) != 1 + (rb == a)) {
        return 0;
    }
    if (ab == NULL) {
        return rb == a;
    }
    return Py_TYPE(ab) == &PyArray_Type && PyArray_BASE((PyArrayObject *)ab) == NULL &&
           rb == ab && Py_REFCNT(ab) == 2;
}

/* The tagged result for `r`, whose memory belongs to `src`'s: a View, or a Copy when `src`
   is a temporary Copy whose memory nothing else sees (the result is then its only owner). */
static PyObject *
view_or_copy(PyObject *r, ArrayBaseObject *src, PyObject *op, int temp)
{
    if (temp && adoption && Py_TYPE(src) == Copy_Type && memory_private(src, r, 0)) {
        return make_copy(r);
    }
    return make_view_ex(r, src, op, temp && src->base != NULL);
}

/* After a Python method ran on the temporary `src` and returned `out` (a new reference):
   a View of `src` that is the only one becomes a Copy. */
static PyObject *
adopt(PyObject *out, ArrayBaseObject *src)
{
    if (out == NULL || !adoption || Py_TYPE(out) != View_Type || Py_REFCNT(out) != 1) {
        return out;
    }
    ArrayBaseObject *v = (ArrayBaseObject *)out;
    if (v->base != (PyObject *)src || v->src != (PyObject *)src || v->policy != NULL ||
        !memory_private(src, v->a, 1)) {
        return out;
    }
    PyObject *c = make_copy(v->a);
    Py_DECREF(out);
    return c;
}

static PyObject *
wrap_general(PyObject *r, PyObject *src, PyObject *op)
{
    PyObject *srcs = PyList_New(1);
    if (srcs == NULL) {
        return NULL;
    }
    Py_INCREF(src);
    PyList_SET_ITEM(srcs, 0, src);
    PyObject *out = wrap_any(r, srcs, op);
    Py_DECREF(srcs);
    return out;
}

/* Tag `r` (a new reference, consumed), computed from the tagged array `src` (`temp`: a
   temporary, see view_or_copy). */
static PyObject *
tag1(PyObject *r, ArrayBaseObject *src, PyObject *op, int temp)
{
    PyObject *out;
    if (Py_TYPE(r) == &PyArray_Type) {
        if (r == src->a) { /* NumPy returned the array itself */
            Py_INCREF(src);
            out = (PyObject *)src;
        }
        else if (shares_root((PyArrayObject *)r, (PyArrayObject *)src->a)) {
            if (temp) {
                /* our reference to r is the one memory_private expects from its holder */
                out = view_or_copy(r, src, op, temp);
            }
            else {
                out = make_view(r, src, op);
            }
        }
        else {
            out = make_copy(r);
        }
    }
    else if (PyArray_IsScalar(r, Generic)) {
        return r; /* NumPy's scalar: an immutable value shares no memory */
    }
    else {
        out = wrap_general(r, (PyObject *)src, op);
    }
    Py_DECREF(r);
    return out;
}

/* ------------------------------------------------------------------------------------ */
/* the type */

static int
ArrayBase_traverse(ArrayBaseObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->a);
    Py_VISIT(self->base);
    Py_VISIT(self->src);
    Py_VISIT(self->op);
    Py_VISIT(self->policy);
    Py_VISIT(self->hub);
    Py_VISIT(self->stale);
    return 0;
}

static int
ArrayBase_clear(ArrayBaseObject *self)
{
    unregister_view(self);
    if (self->views != NULL) {
        forget_views(self);
    }
    Py_CLEAR(self->a);
    Py_CLEAR(self->base);
    Py_CLEAR(self->src);
    Py_CLEAR(self->op);
    Py_CLEAR(self->policy);
    Py_CLEAR(self->hub);
    Py_CLEAR(self->stale);
    return 0;
}

static void
ArrayBase_dealloc(ArrayBaseObject *self)
{
    PyObject_GC_UnTrack(self);
    unregister_view(self); /* before weakref callbacks: see Tagged_dealloc */
    if (self->views != NULL) {
        forget_views(self);
    }
    if (self->weakreflist != NULL) {
        PyObject_ClearWeakRefs((PyObject *)self);
    }
    ArrayBase_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* `a[i]` / `a[i, j]` with Python ints for every dimension, on an array of plain numbers:
   NumPy's scalar made straight from the element's bytes. Returns NULL without an error set
   when the key does not qualify (the general path then handles it). */
static PyObject *
element_scalar(PyArrayObject *a, PyObject *key)
{
    int nd = PyArray_NDIM(a);
    PyObject *const *items;
    Py_ssize_t n;
    if (PyLong_CheckExact(key)) {
        items = &key;
        n = 1;
    }
    else if (PyTuple_CheckExact(key)) {
        items = &PyTuple_GET_ITEM(key, 0);
        n = PyTuple_GET_SIZE(key);
    }
    else {
        return NULL;
    }
    PyArray_Descr *descr = PyArray_DESCR(a);
    if (n != nd || nd == 0 || PyDataType_REFCHK(descr) || PyDataType_HASFIELDS(descr)) {
        return NULL;
    }
    char *ptr = PyArray_BYTES(a);
    for (int i = 0; i < nd; i++) {
        if (!PyLong_CheckExact(items[i])) {
            return NULL;
        }
        Py_ssize_t ix = PyLong_AsSsize_t(items[i]);
        if (ix == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return NULL;
        }
        npy_intp dim = PyArray_DIM(a, i);
        if (ix < 0) {
            ix += dim;
        }
        if (ix < 0 || ix >= dim) {
            return NULL; /* NumPy raises the IndexError */
        }
        ptr += ix * PyArray_STRIDE(a, i);
    }
    return PyArray_Scalar(ptr, descr, (PyObject *)a);
}

/* NumPy's record of a structured array is a view into it: the same element as a 0-d
   ndarray (a new reference), found with a trailing Ellipsis. */
static PyObject *
record_of(PyObject *a, PyObject *key)
{
    PyObject *k;
    if (PyTuple_CheckExact(key)) {
        Py_ssize_t n = PyTuple_GET_SIZE(key);
        k = PyTuple_New(n + 1);
        if (k == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *item = PyTuple_GET_ITEM(key, i);
            Py_INCREF(item);
            PyTuple_SET_ITEM(k, i, item);
        }
        Py_INCREF(Py_Ellipsis);
        PyTuple_SET_ITEM(k, n, Py_Ellipsis);
    }
    else {
        k = PyTuple_Pack(2, key, Py_Ellipsis);
        if (k == NULL) {
            return NULL;
        }
    }
    PyObject *r = PyObject_GetItem(a, k);
    Py_DECREF(k);
    return r;
}

/* Whether `r`, which `a[key]` gave, is an element of the object array `a` (1), not a new
   array (0); -1 with an error set. */
static int
is_element(PyObject *a, PyObject *key, PyObject *r)
{
    PyObject *part = record_of(a, key);
    if (part == NULL) {
        PyErr_Clear();
        return 0;
    }
    int found = 0;
    if (PyArray_Check(part) && PyArray_NDIM((PyArrayObject *)part) == 0) {
        PyObject *item = PyArray_GETITEM((PyArrayObject *)part, PyArray_DATA((PyArrayObject *)part));
        if (item == NULL) {
            Py_DECREF(part);
            return -1;
        }
        found = item == r;
        Py_DECREF(item);
    }
    Py_DECREF(part);
    return found;
}

/* `rec[0]` on a record (a 0-d structured array): the name of that field, as NumPy's record
   takes a position; any other key as it is (borrowed; NULL with an error set). */
static PyObject *
field_key(PyObject *a, PyObject *key)
{
    PyArray_Descr *descr = PyArray_DESCR((PyArrayObject *)a);
    if (!PyLong_Check(key) || PyArray_NDIM((PyArrayObject *)a) != 0 || !PyDataType_HASFIELDS(descr)) {
        return key;
    }
    PyObject *names = PyDataType_NAMES(descr);
    Py_ssize_t i = PyLong_AsSsize_t(key);
    if (i == -1 && PyErr_Occurred()) {
        return NULL;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(names);
    if (i < -n || i >= n) {
        PyErr_Format(PyExc_IndexError, "invalid index %zd for a record of %zd fields", i, n);
        return NULL;
    }
    return PyTuple_GET_ITEM(names, i < 0 ? i + n : i);
}

static PyObject *subscript_ex(ArrayBaseObject *self, PyObject *key, int temp);

static PyObject *
ArrayBase_subscript(ArrayBaseObject *self, PyObject *key)
{
    return subscript_ex(self, key, -1);
}

/* `self[key]`; `temp`: whether self is a temporary (-1: ask its reference count) */
static PyObject *
subscript_ex(ArrayBaseObject *self, PyObject *key, int temp)
{
    if (self->a == NULL) {
        PyErr_SetString(PyExc_TypeError, "uninitialised safearray object");
        return NULL;
    }
    if (STALE_READ((PyObject *)self)) {
        return NULL;
    }
    PyObject *fast = element_scalar((PyArrayObject *)self->a, key);
    if (fast != NULL || PyErr_Occurred()) {
        return fast;
    }
    if (IS_TAGGED(key) && ((ArrayBaseObject *)key)->a != NULL) {
        key = ((ArrayBaseObject *)key)->a;
    }
    key = field_key(self->a, key);
    if (key == NULL) {
        return NULL;
    }
    PyObject *r = PyObject_GetItem(self->a, key);
    if (r == NULL) {
        return NULL;
    }
    if (Py_TYPE(r) != &PyArray_Type) {
        if (!PyArray_IsScalar(r, Void) || !PyDataType_HASFIELDS(PyArray_DESCR((PyArrayObject *)self->a))) {
            return r; /* NumPy's scalar, or the object of an object array */
        }
        Py_DECREF(r);
        r = record_of(self->a, key);
        if (r == NULL) {
            return NULL;
        }
    }
    else if (PyUnicode_Check(key) && PyArray_NDIM((PyArrayObject *)r) == 0 &&
             PyArray_NDIM((PyArrayObject *)self->a) == 0) {
        return PyArray_Return((PyArrayObject *)r); /* a record's field: NumPy's scalar */
    }
    if (Py_TYPE(r) == &PyArray_Type) {
        PyObject *out;
        if (shares_root((PyArrayObject *)r, (PyArrayObject *)self->a)) {
            out = view_or_copy(r, self, key, temp < 0 ? is_temporary((PyObject *)self) : temp);
        }
        else {
            int element = PyDataType_REFCHK(PyArray_DESCR((PyArrayObject *)self->a)) ?
                          is_element(self->a, key, r) : 0;
            if (element < 0) {
                Py_DECREF(r);
                return NULL;
            }
            if (element) {
                return r; /* an ndarray held by an object array: the object itself */
            }
            out = make_copy(r);
        }
        Py_DECREF(r);
        return out;
    }
    return r;
}

static inline PyObject *unwrap(PyObject *o);

/* After a failed write into self: a read-only target becomes safearray's ReadOnlyError. */
static void
convert_readonly_error(ArrayBaseObject *self, PyObject *op)
{
    if (!PyErr_ExceptionMatches(PyExc_ValueError) ||
        PyArray_ISWRITEABLE((PyArrayObject *)self->a)) {
        return;
    }
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *err = PyObject_CallFunctionObjArgs(py_readonly_error, (PyObject *)self, op, NULL);
    if (err == NULL) {
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        return;
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_SetObject((PyObject *)Py_TYPE(err), err);
    Py_DECREF(err);
}

static int
ArrayBase_ass_subscript(ArrayBaseObject *self, PyObject *key, PyObject *value)
{
    Py_ssize_t rc = Py_REFCNT(self);
    if (recording) {
        recorded = rc;
        return 0;
    }
    if (self->a == NULL) {
        PyErr_SetString(PyExc_TypeError, "uninitialised safearray object");
        return -1;
    }
    if (value == NULL) {
        return PyObject_DelItem(self->a, key);
    }
    int temp = TEMP_AT((PyObject *)self, rc, setitem_temp);
    if (self->base != NULL || temp) {
        PyObject *r = PyObject_CallFunctionObjArgs(py_judged_setitem, (PyObject *)self, key, value,
                                                   temp ? Py_True : Py_False, NULL);
        if (r == NULL) {
            trim_traceback();
            return -1;
        }
        Py_DECREF(r);
        return 0;
    }
    if (check_source(value, (PyObject *)self, key) < 0) {
        return -1;
    }
    if (self->nviews != 0 && py_compiled_swap != NULL && PyLong_CheckExact(key) &&
        Py_TYPE(value) == View_Type && holder_of((ArrayBaseObject *)value) == self) {
        PyObject *r = PyObject_CallFunctionObjArgs(py_compiled_swap, (PyObject *)self, key, value, NULL);
        if (r == NULL) {
            trim_traceback();
            return -1;
        }
        Py_DECREF(r);
    }
    PyObject *k = field_key(self->a, unwrap(key));
    if (k == NULL || PyObject_SetItem(self->a, k, unwrap(value)) < 0) {
        convert_readonly_error(self, key);
        return -1;
    }
    if (self->nviews != 0 && after_write(self, key, value, NULL) < 0) {
        return -1;
    }
    return 0;
}

static Py_ssize_t ArrayBase_length(ArrayBaseObject *self);

static PyMappingMethods ArrayBase_as_mapping = {
    .mp_length = (lenfunc)ArrayBase_length,
    .mp_subscript = (binaryfunc)ArrayBase_subscript,
    .mp_ass_subscript = (objobjargproc)ArrayBase_ass_subscript,
};

/* `x[i]` through the sequence protocol (PySequence_GetItem, Cython's and C libraries'
   indexing), as `x[i]`; with it PySequence_Check(x) is true as it is for an ndarray, and for
   the pure-Python core's SafeArray, whose Python `__getitem__` fills both slots (pandas'
   `is_scalar`, `Index(x)`, `isna(x)` ask). Negative `i` arrive adjusted by `len(x)`. */
static PyObject *
ArrayBase_sq_item(ArrayBaseObject *self, Py_ssize_t i)
{
    PyObject *key = PyLong_FromSsize_t(i);
    if (key == NULL) {
        return NULL;
    }
    PyObject *r = ArrayBase_subscript(self, key);
    Py_DECREF(key);
    return r;
}

/* The Python protocols as type slots (the pure-Python core's methods of the same names):
   `len(x)`, `v in x`, `bool(x)`, `int(x)`, `float(x)`, `operator.index(x)`, `iter(x)`. */

static Py_ssize_t
ArrayBase_length(ArrayBaseObject *self)
{
    if (self->a == NULL) {
        PyErr_SetString(PyExc_TypeError, "uninitialised safearray object");
        return -1;
    }
    PyArrayObject *a = (PyArrayObject *)self->a;
    if (PyArray_NDIM(a) > 0) {
        return PyArray_DIM(a, 0);
    }
    if (PyDataType_HASFIELDS(PyArray_DESCR(a))) {
        return PyTuple_GET_SIZE(PyDataType_NAMES(PyArray_DESCR(a))); /* a record: its fields */
    }
    PyErr_SetString(PyExc_TypeError, "len() of unsized object");
    return -1;
}

static int
ArrayBase_contains(ArrayBaseObject *self, PyObject *value)
{
    if (self->a == NULL) {
        PyErr_SetString(PyExc_TypeError, "uninitialised safearray object");
        return -1;
    }
    if (STALE_READ((PyObject *)self)) {
        return -1;
    }
    return PySequence_Contains(self->a, value);
}

#define CONVERSION(name, type, fail, call)                                   \
    static type name(PyObject *x)                                            \
    {                                                                        \
        ArrayBaseObject *self = (ArrayBaseObject *)x;                        \
        if (self->a == NULL) {                                               \
            PyErr_SetString(PyExc_TypeError, "uninitialised safearray object"); \
            return fail;                                                     \
        }                                                                    \
        if (STALE_READ(x)) {                                                 \
            return fail;                                                     \
        }                                                                    \
        return call(self->a);                                                \
    }

CONVERSION(nb_bool, int, -1, PyObject_IsTrue)
CONVERSION(nb_int, PyObject *, NULL, PyNumber_Long)
CONVERSION(nb_float, PyObject *, NULL, PyNumber_Float)
CONVERSION(nb_index, PyObject *, NULL, PyNumber_Index)

/* iter(x): x[0], x[1], ... as `x[i]` gives them (Views of rows of a 2-d x). */
typedef struct {
    PyObject_HEAD
    ArrayBaseObject *array;
    Py_ssize_t i, n;
} ItemIterObject;

static PyTypeObject ItemIter_Type;

static PyObject *
ItemIter_next(ItemIterObject *it)
{
    if (it->array == NULL || it->i >= it->n) {
        Py_CLEAR(it->array);
        return NULL;
    }
    PyArrayObject *a = (PyArrayObject *)it->array->a;
    PyArray_Descr *descr = PyArray_DESCR(a);
    if (PyArray_NDIM(a) == 1 && it->i < PyArray_DIM(a, 0) && !stale_reads && !PyDataType_REFCHK(descr) && !PyDataType_HASFIELDS(descr)) {
        /* an element of a 1-d array of numbers: NumPy's scalar from its bytes, as x[i] */
        return PyArray_Scalar(PyArray_BYTES(a) + (it->i++) * PyArray_STRIDE(a, 0), descr, (PyObject *)a);
    }
    PyObject *key = PyLong_FromSsize_t(it->i++);
    if (key == NULL) {
        return NULL;
    }
    PyObject *r = subscript_ex(it->array, key, 0); /* held by the iterator: not a temporary */
    Py_DECREF(key);
    return r;
}

static int
ItemIter_traverse(ItemIterObject *it, visitproc visit, void *arg)
{
    Py_VISIT(it->array);
    return 0;
}

static void
ItemIter_dealloc(ItemIterObject *it)
{
    PyObject_GC_UnTrack(it);
    Py_CLEAR(it->array);
    PyObject_GC_Del(it);
}

static PyObject *
ItemIter_length_hint(ItemIterObject *it, PyObject *unused)
{
    return PyLong_FromSsize_t(it->array == NULL ? 0 : it->n - it->i);
}

static PyMethodDef ItemIter_methods[] = {
    {"__length_hint__", (PyCFunction)ItemIter_length_hint, METH_NOARGS, NULL},
    {NULL},
};

static PyTypeObject ItemIter_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "safearray._speedups.ItemIterator",
    .tp_basicsize = sizeof(ItemIterObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)ItemIter_traverse,
    .tp_dealloc = (destructor)ItemIter_dealloc,
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc)ItemIter_next,
    .tp_methods = ItemIter_methods,
};

static PyObject *
ArrayBase_iter(ArrayBaseObject *self)
{
    if (self->a == NULL) {
        PyErr_SetString(PyExc_TypeError, "uninitialised safearray object");
        return NULL;
    }
    if (STALE_READ((PyObject *)self)) {
        return NULL;
    }
    PyArrayObject *a = (PyArrayObject *)self->a;
    if (PyArray_NDIM(a) == 0) {
        if (!PyDataType_HASFIELDS(PyArray_DESCR(a))) {
            PyErr_SetString(PyExc_TypeError, "iteration over a 0-d array");
            return NULL;
        }
        /* a record: its fields' values */
        PyObject *names = PyDataType_NAMES(PyArray_DESCR(a));
        Py_ssize_t n = PyTuple_GET_SIZE(names);
        PyObject *fields = PyList_New(n);
        if (fields == NULL) {
            return NULL;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *v = subscript_ex(self, PyTuple_GET_ITEM(names, i), 0);
            if (v == NULL) {
                Py_DECREF(fields);
                return NULL;
            }
            PyList_SET_ITEM(fields, i, v);
        }
        PyObject *it = PyObject_GetIter(fields);
        Py_DECREF(fields);
        return it;
    }
    ItemIterObject *it = PyObject_GC_New(ItemIterObject, &ItemIter_Type);
    if (it == NULL) {
        return NULL;
    }
    Py_INCREF(self);
    it->array = self;
    it->i = 0;
    it->n = PyArray_DIM(a, 0);
    PyObject_GC_Track(it);
    return (PyObject *)it;
}

static PySequenceMethods ArrayBase_as_sequence = {
    .sq_length = (lenfunc)ArrayBase_length,
    .sq_item = (ssizeargfunc)ArrayBase_sq_item,
    .sq_contains = (objobjproc)ArrayBase_contains,
};

/* Operators: unwrap tagged operands, let NumPy (and Python's protocol) compute, wrap. */

static inline PyObject *
unwrap(PyObject *o)
{
    if (IS_TAGGED(o) && ((ArrayBaseObject *)o)->a != NULL) {
        return ((ArrayBaseObject *)o)->a;
    }
    return o;
}

static PyObject *
wrap_result(PyObject *r, PyObject *x, PyObject *y)
{
    if (r == NULL) {
        return NULL;
    }
    if (Py_TYPE(r) == &PyArray_Type && PyArray_BASE((PyArrayObject *)r) == NULL) {
        PyObject *out = make_copy(r);
        Py_DECREF(r);
        return out;
    }
    if (PyArray_IsScalar(r, Generic)) {
        return r; /* NumPy's scalar */
    }
    PyObject *src = IS_TAGGED(x) ? x : y;
    PyObject *out = wrap_general(r, src, NULL);
    Py_DECREF(r);
    return out;
}

#define BINARY(name, func)                                                   \
    static PyObject *name(PyObject *x, PyObject *y)                          \
    {                                                                        \
        if (STALE_READ(x) || STALE_READ(y)) {                                \
            return NULL;                                                     \
        }                                                                    \
        return wrap_result(func(unwrap(x), unwrap(y)), x, y);                \
    }

BINARY(nb_add, PyNumber_Add)
BINARY(nb_subtract, PyNumber_Subtract)
BINARY(nb_multiply, PyNumber_Multiply)
BINARY(nb_true_divide, PyNumber_TrueDivide)
BINARY(nb_floor_divide, PyNumber_FloorDivide)
BINARY(nb_remainder, PyNumber_Remainder)
BINARY(nb_divmod, PyNumber_Divmod)
BINARY(nb_matrix_multiply, PyNumber_MatrixMultiply)
BINARY(nb_and, PyNumber_And)
BINARY(nb_or, PyNumber_Or)
BINARY(nb_xor, PyNumber_Xor)
BINARY(nb_lshift, PyNumber_Lshift)
BINARY(nb_rshift, PyNumber_Rshift)

static PyObject *
nb_power(PyObject *x, PyObject *y, PyObject *z)
{
    if (STALE_READ(x) || STALE_READ(y)) {
        return NULL;
    }
    return wrap_result(PyNumber_Power(unwrap(x), unwrap(y), z), x, y);
}

#define UNARY(name, func)                                                    \
    static PyObject *name(PyObject *x)                                       \
    {                                                                        \
        if (STALE_READ(x)) {                                                 \
            return NULL;                                                     \
        }                                                                    \
        return wrap_result(func(unwrap(x)), x, x);                           \
    }

UNARY(nb_negative, PyNumber_Negative)
UNARY(nb_positive, PyNumber_Positive)
UNARY(nb_absolute, PyNumber_Absolute)
UNARY(nb_invert, PyNumber_Invert)

/* "+=" for "+" (interned, made once per operator: `symbol` is a string literal of the slot) */
static PyObject *
inplace_label(const char *symbol)
{
    static const char *symbols[16];
    static PyObject *labels[16];
    int i = 0;
    for (; i < 16 && symbols[i] != NULL; i++) {
        if (symbols[i] == symbol) {
            return labels[i];
        }
    }
    PyObject *label = PyUnicode_FromFormat("%s=", symbol);
    if (label == NULL || i == 16) {
        return label; /* a new reference only here: not reached with the slots' 13 symbols */
    }
    PyUnicode_InternInPlace(&label);
    symbols[i] = symbol;
    labels[i] = label; /* kept: one per operator */
    return label;
}

static PyObject *
inplace(PyObject *x, PyObject *y, binaryfunc iop, const char *symbol)
{
    ArrayBaseObject *self = (ArrayBaseObject *)x;
    Py_ssize_t rc = Py_REFCNT(x);
    if (recording) {
        recorded = rc;
        Py_INCREF(x);
        return x;
    }
    if (self->a == NULL) {
        PyErr_SetString(PyExc_TypeError, "uninitialised safearray object");
        return NULL;
    }
    if (self->base != NULL) {
        /* `c[k] += v` with `c` a Copy: the temporary View was made from c, so the write is a
           write into c, with nothing to judge (_policy.on_write); every other View goes to
           the Python judge */
        ArrayBaseObject *from = (ArrayBaseObject *)self->src;
        if (!(TEMP_AT(x, rc, inplace_temp) && from != NULL && IS_TAGGED((PyObject *)from) &&
              from->a != NULL && from->base == NULL && PyArray_ISWRITEABLE((PyArrayObject *)self->a))) {
            PyObject *sym = PyUnicode_InternFromString(symbol);
            if (sym == NULL) {
                return NULL;
            }
            PyObject *r = PyObject_CallFunctionObjArgs(py_judged_inplace, x, y, sym,
                                                       TEMP_AT(x, rc, inplace_temp) ? Py_True : Py_False,
                                                       NULL);
            Py_DECREF(sym);
            if (r == NULL) {
                trim_traceback();
            }
            return r;
        }
    }
    PyObject *label = inplace_label(symbol);
    if (label == NULL) {
        return NULL;
    }
    if (IS_TAGGED(y) && is_stale(y) && check_source(y, x, label) < 0) {
        return NULL;
    }
    PyObject *r = iop(self->a, unwrap(y));
    if (r == NULL) {
        convert_readonly_error(self, label);
        return NULL;
    }
    Py_DECREF(r);
    if ((self->base != NULL || self->nviews != 0) && after_write(self, NULL, y, label) < 0) {
        return NULL;
    }
    Py_INCREF(x);
    return x;
}

#define INPLACE(name, func, symbol)                                          \
    static PyObject *name(PyObject *x, PyObject *y)                          \
    {                                                                        \
        return inplace(x, y, func, symbol);                                  \
    }

INPLACE(nb_inplace_add, PyNumber_InPlaceAdd, "+")
INPLACE(nb_inplace_subtract, PyNumber_InPlaceSubtract, "-")
INPLACE(nb_inplace_multiply, PyNumber_InPlaceMultiply, "*")
INPLACE(nb_inplace_true_divide, PyNumber_InPlaceTrueDivide, "/")
INPLACE(nb_inplace_floor_divide, PyNumber_InPlaceFloorDivide, "//")
INPLACE(nb_inplace_remainder, PyNumber_InPlaceRemainder, "%")
INPLACE(nb_inplace_matrix_multiply, PyNumber_InPlaceMatrixMultiply, "@")
INPLACE(nb_inplace_and, PyNumber_InPlaceAnd, "&")
INPLACE(nb_inplace_or, PyNumber_InPlaceOr, "|")
INPLACE(nb_inplace_xor, PyNumber_InPlaceXor, "^")
INPLACE(nb_inplace_lshift, PyNumber_InPlaceLshift, "<<")
INPLACE(nb_inplace_rshift, PyNumber_InPlaceRshift, ">>")

static PyObject *
inplace_power_impl(PyObject *x, PyObject *y)
{
    return PyNumber_InPlacePower(x, y, Py_None);
}

static PyObject *
nb_inplace_power(PyObject *x, PyObject *y, PyObject *z)
{
    return inplace(x, y, inplace_power_impl, "**");
}

static PyNumberMethods ArrayBase_as_number = {
    .nb_bool = nb_bool,
    .nb_int = nb_int,
    .nb_float = nb_float,
    .nb_index = nb_index,
    .nb_inplace_add = nb_inplace_add,
    .nb_inplace_subtract = nb_inplace_subtract,
    .nb_inplace_multiply = nb_inplace_multiply,
    .nb_inplace_remainder = nb_inplace_remainder,
    .nb_inplace_power = nb_inplace_power,
    .nb_inplace_lshift = nb_inplace_lshift,
    .nb_inplace_rshift = nb_inplace_rshift,
    .nb_inplace_and = nb_inplace_and,
    .nb_inplace_xor = nb_inplace_xor,
    .nb_inplace_or = nb_inplace_or,
    .nb_inplace_floor_divide = nb_inplace_floor_divide,
    .nb_inplace_true_divide = nb_inplace_true_divide,
    .nb_inplace_matrix_multiply = nb_inplace_matrix_multiply,
    .nb_add = nb_add,
    .nb_subtract = nb_subtract,
    .nb_multiply = nb_multiply,
    .nb_remainder = nb_remainder,
    .nb_divmod = nb_divmod,
    .nb_power = nb_power,
    .nb_negative = nb_negative,
    .nb_positive = nb_positive,
    .nb_absolute = nb_absolute,
    .nb_invert = nb_invert,
    .nb_lshift = nb_lshift,
    .nb_rshift = nb_rshift,
    .nb_and = nb_and,
    .nb_xor = nb_xor,
    .nb_or = nb_or,
    .nb_floor_divide = nb_floor_divide,
    .nb_true_divide = nb_true_divide,
    .nb_matrix_multiply = nb_matrix_multiply,
};

static PyObject *
ArrayBase_richcompare(PyObject *x, PyObject *y, int op)
{
    if (STALE_READ(x) || STALE_READ(y)) {
        return NULL;
    }
    return wrap_result(PyObject_RichCompare(unwrap(x), unwrap(y), op), x, y);
}

static PyMemberDef ArrayBase_members[] = {
    {"_a", T_OBJECT, offsetof(ArrayBaseObject, a), 0, "the ndarray"},
    {"_base", T_OBJECT, offsetof(ArrayBaseObject, base), 0, "the owner of the memory"},
    {"_src", T_OBJECT, offsetof(ArrayBaseObject, src), 0, "what the View was made from"},
    {"_op", T_OBJECT, offsetof(ArrayBaseObject, op), 0, "the index key or operation"},
    {"_policy", T_OBJECT, offsetof(ArrayBaseObject, policy), 0, "per-array write policy"},
    {"_hub", T_OBJECT, offsetof(ArrayBaseObject, hub), 0, "the View whose registry holds this one"},
    {"_stale", T_OBJECT, offsetof(ArrayBaseObject, stale), 0, "the write that made it stale"},
    {NULL},
};

/* `x.__class__`: type(x), except to the Python code of the modules whose names start with one
   of array_callers (_ARRAY_CALLERS in _array.py, given by set_array_callers), whose
   `isinstance(x, ndarray)` checks then take their ndarray path. The caller is the running
   Python frame, since this getter has none. */
static PyObject *array_callers = NULL;  /* tuple of module-name prefixes */
static PyObject *name_key = NULL;       /* "__name__" */

static PyObject *
ArrayBase_get_class(PyObject *self, void *closure)
{
    PyObject *globals = PyEval_GetGlobals(); /* borrowed */
    if (globals != NULL && PyDict_Check(globals)) {
        PyObject *name = PyDict_GetItemWithError(globals, name_key); /* borrowed */
        if (name != NULL && PyUnicode_Check(name)) {
            Py_ssize_t n = PyTuple_GET_SIZE(array_callers);
            for (Py_ssize_t i = 0; i < n; i++) {
                if (PyUnicode_Tailmatch(name, PyTuple_GET_ITEM(array_callers, i), 0, PY_SSIZE_T_MAX, -1) == 1) {
                    Py_INCREF(&PyArray_Type);
                    return (PyObject *)&PyArray_Type;
                }
            }
        }
        PyErr_Clear();
    }
    Py_INCREF(Py_TYPE(self));
    return (PyObject *)Py_TYPE(self);
}

static PyGetSetDef ArrayBase_getset[] = {
    {"__class__", ArrayBase_get_class, NULL, "type(x); numpy.ndarray to NumPy's own code.", NULL},
    {NULL},
};

static PyTypeObject ArrayBase_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "safearray._speedups.ArrayBase",
    .tp_doc = "Compiled base of safearray.SafeArray: its fields, indexing and operators.",
    .tp_basicsize = sizeof(ArrayBaseObject),
    .tp_itemsize = 0,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_traverse = (traverseproc)ArrayBase_traverse,
    .tp_clear = (inquiry)ArrayBase_clear,
    .tp_dealloc = (destructor)ArrayBase_dealloc,
    .tp_as_mapping = &ArrayBase_as_mapping,
    .tp_as_sequence = &ArrayBase_as_sequence,
    .tp_as_number = &ArrayBase_as_number,
    .tp_richcompare = ArrayBase_richcompare,
    .tp_iter = (getiterfunc)ArrayBase_iter,
    .tp_members = ArrayBase_members,
    .tp_getset = ArrayBase_getset,
    .tp_weaklistoffset = offsetof(ArrayBaseObject, weakreflist),
};

/* ------------------------------------------------------------------------------------ */
/* the general path: unwrap arguments, tag results against every source */

static PyObject *
make_view_raw(PyObject *r, PyObject *owner, PyObject *src, PyObject *op)
{
    ArrayBaseObject *v = alloc_tagged(View_Type);
    if (v == NULL) {
        return NULL;
    }
    Py_INCREF(r);
    Py_INCREF(owner);
    Py_INCREF(src);
    Py_XINCREF(op);
    v->a = r;
    v->base = owner;
    v->src = src;
    v->op = op;
    return (PyObject *)v;
}

typedef PyObject *(*item_func)(PyObject *item, PyObject *srcs, PyObject *op);

/* A list or tuple (the type of `seq`, an exact list or tuple) of fn(item, srcs, op): `seq`
   itself when fn changes no item (a shape or a list of numbers given to NumPy), a new one
   otherwise. */
static PyObject *
map_sequence(PyObject *seq, item_func fn, PyObject *srcs, PyObject *op)
{
    int is_list = PyList_CheckExact(seq);
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    PyObject *out = NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = fn(items[i], srcs, op);
        if (x == NULL) {
            Py_XDECREF(out);
            return NULL;
        }
        if (out == NULL) {
            if (x == items[i]) {
                Py_DECREF(x);
                continue;
            }
            out = is_list ? PyList_New(n) : PyTuple_New(n);
            if (out == NULL) {
                Py_DECREF(x);
                return NULL;
            }
            for (Py_ssize_t j = 0; j < i; j++) {
                if (is_list) {
                    PyList_SET_ITEM(out, j, Py_NewRef(items[j]));
                }
                else {
                    PyTuple_SET_ITEM(out, j, Py_NewRef(items[j]));
                }
            }
        }
        if (is_list) {
            PyList_SET_ITEM(out, i, x);
        }
        else {
            PyTuple_SET_ITEM(out, i, x);
        }
    }
    return out != NULL ? out : Py_NewRef(seq);
}

/* Replace tagged arrays in `obj` (recursing into lists and tuples) by their ndarrays;
   append every array met to the list `srcs`. Returns a new reference. */
static PyObject *
unwrap_into(PyObject *obj, PyObject *srcs, PyObject *unused)
{
    PyTypeObject *t = Py_TYPE(obj);
    if (t == &PyLong_Type || t == &PyFloat_Type || obj == Py_None || t == &PyUnicode_Type ||
        t == &PyBool_Type || t == &PyArrayDescr_Type) {
        return Py_NewRef(obj); /* the usual plain arguments: sizes, scalars, axes, dtypes */
    }
    if (t == &PyArray_Type) {
        if (PyList_Append(srcs, obj) < 0) {
            return NULL;
        }
        return Py_NewRef(obj);
    }
    if (t == View_Type || t == Copy_Type || (IS_TAGGED(obj) && ((ArrayBaseObject *)obj)->a != NULL)) {
        if (PyList_Append(srcs, obj) < 0) {
            return NULL;
        }
        PyObject *a = ((ArrayBaseObject *)obj)->a;
        Py_INCREF(a);
        return a;
    }
    if (PyArray_Check(obj)) {
        if (PyList_Append(srcs, obj) < 0) {
            return NULL;
        }
        Py_INCREF(obj);
        return obj;
    }
    if (t == &PyList_Type || t == &PyTuple_Type) {
        return map_sequence(obj, unwrap_into, srcs, NULL);
    }
    if (obj == py_ndarray_name) { /* `x.view(np.ndarray)` in code that imports safearray as np */
        obj = (PyObject *)&PyArray_Type;
    }
    Py_INCREF(obj);
    return obj;
}

/* Tag the exact ndarray `r` (borrowed), a result of an operation on the arrays in `srcs`. */
static PyObject *
tag_general(PyObject *r, PyObject *srcs, PyObject *op)
{
    Py_ssize_t n = PyList_GET_SIZE(srcs);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyList_GET_ITEM(srcs, i);
        if (Py_TYPE(s) == &PyArray_Type || (PyArray_Check(s) && !IS_TAGGED(s))) {
            if (r == s) {
                return make_view_raw(r, root_of((PyArrayObject *)s), s, op);
            }
        }
        else if (IS_TAGGED(s) && r == ((ArrayBaseObject *)s)->a) {
            Py_INCREF(s);
            return s;
        }
    }
    if (PyArray_BASE((PyArrayObject *)r) == NULL) {
        return make_copy(r);
    }
    PyObject *root = root_of((PyArrayObject *)r);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyList_GET_ITEM(srcs, i);
        if (IS_TAGGED(s)) {
            PyObject *sa = ((ArrayBaseObject *)s)->a;
            if (sa != NULL && root_of((PyArrayObject *)sa) == root) {
                return make_view(r, (ArrayBaseObject *)s, op);
            }
        }
        else if (PyArray_Check(s) && root_of((PyArrayObject *)s) == root) {
            return make_view_raw(r, root, s, op);
        }
    }
    if (!PyArray_Check(root)) {
        /* memory of a buffer or file NumPy wrapped (frombuffer, memmap, load(mmap_mode=)) */
        return make_view_raw(r, root, root, op);
    }
    return make_copy(r);
}

/* Wrap any result of NumPy (borrowed): arrays are tagged, containers rebuilt, others pass. */
static PyObject *
wrap_any(PyObject *r, PyObject *srcs, PyObject *op)
{
    PyTypeObject *t = Py_TYPE(r);
    if (t == &PyArray_Type) {
        return tag_general(r, srcs, op);
    }
    if (t == &PyList_Type || t == &PyTuple_Type) {
        return map_sequence(r, wrap_any, srcs, op);
    }
    if ((PyArray_Check(r) && !IS_TAGGED(r)) || PyTuple_Check(r)) {
        /* ndarray subclasses (memmap, masked arrays, ...) and named tuples (SVDResult, ...) */
        return PyObject_CallFunctionObjArgs(py_wrap_other, r, srcs, op ? op : Py_None, NULL);
    }
    Py_INCREF(r);
    return r;
}

/* ------------------------------------------------------------------------------------ */
/* calls with their arguments unwrapped */

#define SMALL_STACK 16

static PyObject *py_labels = NULL;   /* _array._labels(func) -> (label, out label, at label, out position, impl) */
static PyObject *py_ufunc_call = NULL; /* the Python ufunc.__call__(self, *args, **kwargs) */
static PyObject *py_writes_into = NULL; /* _array.WRITES_INTO: functions that write into an argument */
static PyObject *out_name = NULL;    /* "out" */
static PyObject fallback_marker;     /* call_unwrapped: "ask the Python path" */
#define FALLBACK (&fallback_marker)

static int
is_out_name(PyObject *name)
{
    return name == out_name ||
           (PyUnicode_Check(name) && PyUnicode_Compare(name, out_name) == 0);
}

static int
has_out_keyword(PyObject *kwnames)
{
    if (kwnames == NULL) {
        return 0;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
        if (is_out_name(PyTuple_GET_ITEM(kwnames, i))) {
            return 1;
        }
    }
    return 0;
}

/* NumPy's C functions (np.zeros, np.array, ...) and ndarray methods (x.ravel, x.sum, ...)
   called through their function pointer, as CPython's vectorcall of a builtin or a method
   descriptor would after its checks (no bound method, no argument copy, no recursion count:
   NumPy's code counts its own). Anything else, and a self that is not exactly an ndarray,
   goes through PyObject_Vectorcall. */
typedef PyObject *(*fastkw_fn)(PyObject *, PyObject *const *, Py_ssize_t, PyObject *);
#if defined(__GNUC__) || defined(__clang__)
#define NOINLINE __attribute__((noinline)) /* keeps a hot path's frame small */
#elif defined(_MSC_VER)
#define NOINLINE __declspec(noinline)
#else
#define NOINLINE
#endif
typedef PyObject *(*fast_fn)(PyObject *, PyObject *const *, Py_ssize_t);
#define CALL_FLAGS (METH_VARARGS | METH_FASTCALL | METH_NOARGS | METH_O | METH_KEYWORDS | METH_METHOD)

/* `descr(self, *args, **kw)` for numpy.ndarray's method descriptor `descr`; args holds the
   nargs positional arguments after self, then the keyword values. */
static PyObject *
call_method(PyObject *descr, PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
    if (Py_IS_TYPE(descr, &PyMethodDescr_Type) && Py_IS_TYPE(self, &PyArray_Type)) {
        PyMethodDef *d = ((PyMethodDescrObject *)descr)->d_method;
        int f = d->ml_flags & CALL_FLAGS;
        if (f == (METH_FASTCALL | METH_KEYWORDS)) {
            return ((fastkw_fn)(void (*)(void))d->ml_meth)(self, args, nargs, kwnames);
        }
        if (nkw == 0) {
            if (f == METH_NOARGS && nargs == 0) {
                return d->ml_meth(self, NULL);
            }
            if (f == METH_O && nargs == 1) {
                return d->ml_meth(self, args[0]);
            }
            if (f == METH_FASTCALL) {
                return ((fast_fn)(void (*)(void))d->ml_meth)(self, args, nargs);
            }
        }
    }
    PyObject *small[SMALL_STACK + 1];
    PyObject **stack = nargs + nkw < SMALL_STACK ? small : PyMem_Malloc((nargs + nkw + 1) * sizeof(PyObject *));
    if (stack == NULL) {
        return PyErr_NoMemory();
    }
    stack[0] = self;
    for (Py_ssize_t i = 0; i < nargs + nkw; i++) {
        stack[i + 1] = args[i];
    }
    PyObject *r = PyObject_Vectorcall(descr, stack, (size_t)nargs + 1, kwnames);
    if (stack != small) {
        PyMem_Free(stack);
    }
    return r;
}

/* `callable(*args, **kw)`, straight into a builtin function of NumPy's or an ndarray method. */
static inline PyObject *
call_numpy(PyObject *callable, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (Py_IS_TYPE(callable, &PyCFunction_Type)) {
        PyMethodDef *d = ((PyCFunctionObject *)callable)->m_ml;
        if ((d->ml_flags & CALL_FLAGS) == (METH_FASTCALL | METH_KEYWORDS)) {
            return ((fastkw_fn)(void (*)(void))d->ml_meth)(PyCFunction_GET_SELF(callable), args, nargs, kwnames);
        }
    }
    else if (Py_IS_TYPE(callable, &PyMethodDescr_Type) && nargs >= 1) {
        return call_method(callable, args[0], args + 1, nargs - 1, kwnames);
    }
    return PyObject_Vectorcall(callable, args, (size_t)nargs, kwnames);
}

/* Call `callable` with the arguments unwrapped; every array met is appended to `srcs`.
   `writes`: a call that writes into an argument, which stale inputs must not reach (FALLBACK
   then, before NumPy runs). */
static PyObject *
call_unwrapped(PyObject *callable, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
               PyObject *srcs, int writes)
{
    Py_ssize_t n = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
    PyObject *small[SMALL_STACK];
    PyObject **stack = n <= SMALL_STACK ? small : PyMem_Malloc(n * sizeof(PyObject *));
    if (stack == NULL) {
        return PyErr_NoMemory();
    }
    PyObject *r = NULL;
    Py_ssize_t done = 0;
    for (; done < n; done++) {
        PyObject *u = unwrap_into(args[done], srcs, NULL);
        if (u == NULL) {
            goto finally;
        }
        stack[done] = u;
    }
    if (writes) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(srcs); i++) {
            PyObject *o = PyList_GET_ITEM(srcs, i);
            if (IS_TAGGED(o) && is_stale(o)) {
                r = FALLBACK; /* a marker: never reference-counted */
                goto finally;
            }
        }
    }
    r = call_numpy(callable, stack, nargs, kwnames);
finally:
    for (Py_ssize_t i = 0; i < done; i++) {
        Py_DECREF(stack[i]);
    }
    if (stack != small) {
        PyMem_Free(stack);
    }
    return r;
}

/* One list of sources kept between calls (taken while a call uses it: calls may nest). */
static PyObject *spare_srcs = NULL;

static inline PyObject *
take_srcs(void)
{
    PyObject *srcs = spare_srcs;
    if (srcs != NULL) {
        spare_srcs = NULL;
        return srcs;
    }
    return PyList_New(0);
}

static inline void
give_srcs(PyObject *srcs)
{
    if (spare_srcs == NULL && Py_REFCNT(srcs) == 1) {
        /* emptied by hand (no error pending is touched); nothing else holds the list, so
           the items' deallocation cannot reach it */
        Py_ssize_t n = PyList_GET_SIZE(srcs);
        PyObject **items = ((PyListObject *)srcs)->ob_item;
        Py_SET_SIZE(srcs, 0);
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_DECREF(items[i]);
        }
        spare_srcs = srcs;
        return;
    }
    Py_DECREF(srcs);
}

/* ------------------------------------------------------------------------------------ */
/* TaggedMethod: `x.sum()`, `x.ravel()`, ... without a Python frame. Called with no
   arguments it runs the ndarray method and tags the result here; with arguments it hands
   over to the Python method (which unwraps them and judges `out=` writes). */

typedef struct {
    PyObject_HEAD
    PyObject *name;     /* the ndarray method name */
    PyObject *fallback; /* the Python function(self, *args, **kwargs) */
    PyObject *label;    /* the operation name (an OpName) recorded in Views */
    vectorcallfunc vectorcall;
    int direct;         /* how NumPy's method `name` may be called directly: 1 without arguments;
                           2 also with plain positional ones (ints, floats, strings, None, dtypes,
                           tuples of ints); 5 with plain ones by position or keyword; 3 as 5, and
                           a call NumPy refuses goes to the Python method (which validates and
                           says what is wrong); 4 as 5, the result (Python objects) returned as
                           it is */
    Py_ssize_t outpos;  /* where `out` is taken by position after self (-1: nowhere); -2:
                           unknown, so calls with arrays among their arguments go to Python */
    PyObject *unbound;  /* numpy.ndarray.<name>, for calls with arrays among their arguments */
    PyObject *resolve;  /* outpos -3: resolve() gives it, asked at the first call that needs it */
    PyCFunction cmeth;  /* NumPy's C function behind `unbound`, when it takes no arguments or */
    int cflags;         /* fast calls (METH_NOARGS, METH_FASTCALL | METH_KEYWORDS); else NULL */
} TaggedMethodObject;

/* A dtype, a NumPy scalar type or a Python number type (`x.astype(np.float32)`, `view(float)`). */
static inline int
is_dtype_like(PyObject *x)
{
    if (PyArray_DescrCheck(x)) {
        return 1;
    }
    if (!PyType_Check(x)) {
        return 0;
    }
    PyTypeObject *t = (PyTypeObject *)x;
    return t == &PyFloat_Type || t == &PyLong_Type || t == &PyBool_Type || t == &PyComplex_Type ||
           PyType_IsSubtype(t, &PyGenericArrType_Type);
}

/* Arguments that NumPy takes as they are: ints, floats, strings, None, dtypes and tuples of
   ints (shapes, axes, orders, bounds); anything else goes through the unwrapping path. */
static int
plain_arguments(PyObject *const *args, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = args[i];
        if (PyLong_CheckExact(x) || PyUnicode_CheckExact(x) || x == Py_None || PyFloat_CheckExact(x) ||
            PyBool_Check(x) || is_dtype_like(x)) {
            continue;
        }
        if (!PyTuple_CheckExact(x)) {
            return 0;
        }
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(x); j++) {
            if (!PyLong_CheckExact(PyTuple_GET_ITEM(x, j))) {
                return 0;
            }
        }
    }
    return 1;
}

/* A `copy=` keyword, if any, is True or False: safearray refuses NumPy's truthy values. */
static int
strict_copy(PyObject *const *kwvalues, PyObject *kwnames)
{
    for (Py_ssize_t i = 0; kwnames != NULL && i < PyTuple_GET_SIZE(kwnames); i++) {
        if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, i), "copy") == 0 &&
            kwvalues[i] != Py_True && kwvalues[i] != Py_False) {
            return 0;
        }
    }
    return 1;
}

static PyObject *TaggedMethod_general(TaggedMethodObject *m, PyObject *const *args, size_t nargsf,
                                      PyObject *kwnames);

/* `x.ravel()`, `x.sum()`, `x.copy()`: no arguments, NumPy's C method called straight, the
   result tagged; every other call (and a refused one) takes the general path below. */
static PyObject *
TaggedMethod_vectorcall(TaggedMethodObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (PyVectorcall_NARGS(nargsf) != 1 || kwnames != NULL || m->cmeth == NULL || stale_reads ||
        m->direct == 0) {
        return TaggedMethod_general(m, args, nargsf, kwnames);
    }
    ArrayBaseObject *self = (ArrayBaseObject *)args[0];
    if ((Py_TYPE(self) != View_Type && Py_TYPE(self) != Copy_Type) || self->a == NULL ||
        !Py_IS_TYPE(self->a, &PyArray_Type)) {
        return TaggedMethod_general(m, args, nargsf, kwnames);
    }
    int temp = is_temporary((PyObject *)self);
    PyObject *r = m->cflags == METH_NOARGS
                      ? m->cmeth(self->a, NULL)
                      : ((fastkw_fn)(void (*)(void))m->cmeth)(self->a, args + 1, 0, NULL);
    if (r == NULL) {
        if (m->direct == 3 && (PyErr_ExceptionMatches(PyExc_TypeError) ||
                               PyErr_ExceptionMatches(PyExc_ValueError))) {
            PyErr_Clear(); /* the general path asks the Python method, which explains */
            return TaggedMethod_general(m, args, nargsf, kwnames);
        }
        return NULL;
    }
    if (m->direct == 4) {
        return r;
    }
    return tag1(r, self, m->label, temp);
}

static NOINLINE PyObject *
TaggedMethod_general(TaggedMethodObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs >= 1 && IS_TAGGED(args[0])) {
        ArrayBaseObject *self = (ArrayBaseObject *)args[0];
        int temp = is_temporary((PyObject *)self);
        PyObject *out;
        if (STALE_READ((PyObject *)self)) {
            return NULL;
        }
        if (self->a == NULL || m->direct == 0) {
            goto fallback;
        }
        Py_ssize_t nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
        if ((nargs == 1 && nkw == 0) ||
            (m->direct >= 2 && nargs + nkw <= SMALL_STACK && (nkw == 0 || m->direct >= 3) &&
             !has_out_keyword(kwnames) && plain_arguments(args + 1, nargs - 1 + nkw) &&
             (m->direct != 3 || strict_copy(args + nargs, kwnames)))) {
            /* `x.ravel()`, `x.sum(axis=0)`, `x.astype(np.float32)`: NumPy's method, tagged here */
            PyObject *r;
            if (m->unbound != NULL) { /* numpy.ndarray.<name>, found once */
                r = call_method(m->unbound, self->a, args + 1, nargs - 1, kwnames);
            }
            else {
                PyObject *stack[SMALL_STACK];
                stack[0] = self->a;
                for (Py_ssize_t i = 1; i < nargs + nkw; i++) {
                    stack[i] = args[i];
                }
                r = PyObject_VectorcallMethod(m->name, stack, (size_t)nargs, kwnames);
            }
            if (r == NULL) {
                if (m->direct == 3 && (PyErr_ExceptionMatches(PyExc_TypeError) ||
                                       PyErr_ExceptionMatches(PyExc_ValueError))) {
                    PyErr_Clear(); /* the Python method validates and explains */
                    goto fallback;
                }
                return NULL;
            }
            if (m->direct == 4) {
                return r;
            }
            return tag1(r, self, m->label, temp);
        }
        if (m->outpos == -3 && m->resolve != NULL) { /* read from the signature, once */
            PyObject *pos = PyObject_CallNoArgs(m->resolve);
            Py_ssize_t p = pos == NULL ? -1 : PyLong_AsSsize_t(pos);
            Py_XDECREF(pos);
            if (p == -1 && PyErr_Occurred()) {
                return NULL;
            }
            m->outpos = p < -1 ? -1 : p;
        }
        if (m->outpos >= -1 && m->unbound != NULL && !has_out_keyword(kwnames) &&
            !(m->outpos >= 0 && nargs - 1 > m->outpos && args[1 + m->outpos] != Py_None)) {
            /* `x.dot(y)`, `x.take(idx)`, `x.clip(lo_array, hi)`: arrays unwrapped, no write */
            PyObject *srcs = take_srcs();
            if (srcs == NULL) {
                return NULL;
            }
            PyObject *r = call_unwrapped(m->unbound, args, nargs, kwnames, srcs, 0);
            if (r == NULL) {
                give_srcs(srcs);
                return NULL;
            }
            if (m->direct == 4) {
                give_srcs(srcs);
                return r;
            }
            if (PyList_GET_SIZE(srcs) == 1) { /* self was the only array */
                give_srcs(srcs);
                return tag1(r, self, m->label, temp);
            }
            out = wrap_any(r, srcs, m->label);
            Py_DECREF(r);
            give_srcs(srcs);
            goto adopted;
        }
    fallback:
        out = PyObject_Vectorcall(m->fallback, args, nargsf, kwnames);
    adopted:
        if (!temp) {
            return out;
        }
        if (Py_TYPE(self) == Copy_Type) {
            return adopt(out, self);
        }
        if (out != NULL && Py_TYPE(out) == View_Type && ((ArrayBaseObject *)out)->src == self->a &&
            self->src != NULL) {
            /* made from a temporary View: remembered as made from what that was made from */
            Py_INCREF(self->src);
            Py_SETREF(((ArrayBaseObject *)out)->src, self->src);
        }
        return out;
    }
    return PyObject_Vectorcall(m->fallback, args, nargsf, kwnames);
}

static PyObject *
TaggedMethod_descr_get(PyObject *m, PyObject *obj, PyObject *type)
{
    if (obj == NULL || obj == Py_None) {
        Py_INCREF(m);
        return m;
    }
    return PyMethod_New(m, obj);
}

static PyObject *
TaggedMethod_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *name, *fallback, *label;
    int direct = 1;
    Py_ssize_t outpos = -2;
    PyObject *resolve = NULL;
    if (!PyArg_ParseTuple(args, "UOO|inO:TaggedMethod", &name, &fallback, &label, &direct, &outpos,
                          &resolve)) {
        return NULL;
    }
    if (direct < 0 || direct > 5) {
        PyErr_Format(PyExc_ValueError, "TaggedMethod: direct must be 0 to 5, got %d", direct);
        return NULL;
    }
    TaggedMethodObject *m = (TaggedMethodObject *)type->tp_alloc(type, 0);
    if (m == NULL) {
        return NULL;
    }
    Py_INCREF(name);
    Py_INCREF(fallback);
    Py_INCREF(label);
    m->name = name;
    m->fallback = fallback;
    m->label = label;
    m->direct = direct;
    m->outpos = outpos;
    m->resolve = resolve == NULL ? NULL : Py_NewRef(resolve);
    m->unbound = PyObject_GetAttr((PyObject *)&PyArray_Type, name);
    if (m->unbound == NULL) {
        PyErr_Clear(); /* not an ndarray method: calls with arrays go to Python */
    }
    else if (Py_IS_TYPE(m->unbound, &PyMethodDescr_Type)) {
        PyMethodDef *d = ((PyMethodDescrObject *)m->unbound)->d_method;
        int f = d->ml_flags & CALL_FLAGS;
        if (f == METH_NOARGS || f == (METH_FASTCALL | METH_KEYWORDS)) {
            m->cmeth = d->ml_meth;
            m->cflags = f;
        }
    }
    m->vectorcall = (vectorcallfunc)TaggedMethod_vectorcall;
    return (PyObject *)m;
}

static void
TaggedMethod_dealloc(TaggedMethodObject *m)
{
    Py_XDECREF(m->name);
    Py_XDECREF(m->fallback);
    Py_XDECREF(m->label);
    Py_XDECREF(m->unbound);
    Py_XDECREF(m->resolve);
    Py_TYPE(m)->tp_free((PyObject *)m);
}

static PyObject *
TaggedMethod_getattro(TaggedMethodObject *m, PyObject *attr)
{
    /* __doc__, __name__, __wrapped__ ... come from the Python function */
    PyObject *res = PyObject_GenericGetAttr((PyObject *)m, attr);
    if (res == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
        res = PyObject_GetAttr(m->fallback, attr);
    }
    return res;
}

static PyObject *
TaggedMethod_repr(TaggedMethodObject *m)
{
    return PyUnicode_FromFormat(".%U()", m->name);
}

static PyTypeObject TaggedMethod_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "safearray._speedups.TaggedMethod",
    .tp_doc = "A method of SafeArray that tags its result by memory (compiled fast path).",
    .tp_basicsize = sizeof(TaggedMethodObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_METHOD_DESCRIPTOR | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(TaggedMethodObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_descr_get = TaggedMethod_descr_get,
    .tp_new = TaggedMethod_new,
    .tp_dealloc = (destructor)TaggedMethod_dealloc,
    .tp_getattro = (getattrofunc)TaggedMethod_getattro,
    .tp_repr = (reprfunc)TaggedMethod_repr,
};

/* FastAsarray: `sa.asarray(ndarray)` (the no-copy case) without a Python frame; every
   other call goes to the Python asarray, which validates the parameters. */

static PyObject *np_array = NULL;       /* numpy.array */
static PyObject *array_kwnames[8];      /* subsets of ("dtype", "order", "copy"), by bits 1, 2, 4 */
static PyObject *order_k = NULL;        /* "K" */

/* `sa.asarray(obj, dtype, copy=)` / `sa.array(obj, dtype, copy=, order=)` for an ndarray, a
   SafeArray or a list, tuple or Python scalar, as _creation._convert does: NumPy's array(), then
   the result tagged (the SafeArray itself when NumPy returned its array, a View when it shares
   the memory, a Copy otherwise). FALLBACK (no error set) when `obj` is of another kind or NumPy
   refuses: the Python function then validates, explains and handles the rest. */
static PyObject *
convert_fast(PyObject *obj, PyObject *dtype, PyObject *order, PyObject *copy, PyObject *label)
{
    PyTypeObject *t = Py_TYPE(obj);
    PyObject *src;
    int tagged = t == View_Type || t == Copy_Type;
    if (tagged) {
        src = ((ArrayBaseObject *)obj)->a;
        if (src == NULL) {
            return FALLBACK;
        }
    }
    else if (t == &PyArray_Type) {
        src = obj;
    }
    else if (t == &PyList_Type || t == &PyTuple_Type || t == &PyFloat_Type || t == &PyLong_Type ||
             t == &PyBool_Type || t == &PyComplex_Type) {
        if (copy == Py_False) {
            return FALLBACK; /* NumPy must build a new array: CopyRequiredError says why */
        }
        src = obj;
    }
    else {
        return FALLBACK;
    }
    if (np_array == NULL) {
        return FALLBACK;
    }
    int keep_order = order == order_k || PyUnicode_CompareWithASCIIString(order, "K") == 0;
    PyObject *r;
    if ((tagged || t == &PyArray_Type) && dtype == Py_None && copy != Py_True && keep_order) {
        r = Py_NewRef(src); /* an array, no dtype, no copy, order K: NumPy returns it */
        goto made;
    }
    /* only the arguments that differ from numpy.array's defaults: NumPy parses fewer */
    PyObject *stack[4] = {src};
    int n = 1, which = 0;
    if (dtype != Py_None) {
        stack[n++] = dtype;
        which |= 1;
    }
    if (!keep_order) {
        stack[n++] = order;
        which |= 2;
    }
    if (copy != Py_True) {
        stack[n++] = copy;
        which |= 4;
    }
    r = call_numpy(np_array, stack, 1, which ? array_kwnames[which] : NULL);
made:
    if (r == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError) || PyErr_ExceptionMatches(PyExc_ValueError)) {
            PyErr_Clear();
            return FALLBACK;
        }
        return NULL;
    }
    if (Py_TYPE(r) != &PyArray_Type) { /* NumPy made a subclass: the Python path decides */
        Py_DECREF(r);
        return FALLBACK;
    }
    PyObject *out;
    if (tagged) {
        if (r == src) {
            out = Py_NewRef(obj);
        }
        else if (shares_root((PyArrayObject *)r, (PyArrayObject *)src)) {
            out = make_view(r, (ArrayBaseObject *)obj, label);
        }
        else {
            out = make_copy(r);
        }
    }
    else if (src == obj && t == &PyArray_Type) {
        PyObject *root = root_of((PyArrayObject *)obj);
        if (r == obj || root_of((PyArrayObject *)r) == root) {
            out = make_view_raw(r, root, obj, label);
        }
        else {
            out = make_copy(r);
        }
    }
    else {
        out = make_copy(r);
    }
    Py_DECREF(r);
    return out;
}

/* The value of keyword `name` among kwnames (borrowed), or `dflt`; *known counts the keywords
   recognised. */
static PyObject *
keyword(PyObject *const *kwvalues, PyObject *kwnames, PyObject *name, PyObject *dflt, Py_ssize_t *known)
{
    if (kwnames == NULL) {
        return dflt;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t i = 0; i < n; i++) { /* keywords written in code are interned */
        if (PyTuple_GET_ITEM(kwnames, i) == name) {
            (*known)++;
            return kwvalues[i];
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyUnicode_Compare(PyTuple_GET_ITEM(kwnames, i), name) == 0) {
            (*known)++;
            return kwvalues[i];
        }
    }
    return dflt;
}

/* "dtype", "order", "copy" (interned, from array_kwnames) */
#define KW_NAME(bit) PyTuple_GET_ITEM(array_kwnames[1 << (bit)], 0)

static PyObject *
FastAsarray_vectorcall(TaggedMethodObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs == 1 && kwnames == NULL && Py_TYPE(args[0]) == &PyArray_Type && m->direct == 0) {
        PyArrayObject *x = (PyArrayObject *)args[0];
        PyObject *xb = PyArray_BASE(x);
        /* a temporary ndarray that owns its bytes (or is the only view of an owner that
           nothing else holds) is handed over: the result owns the memory */
        if (adoption && is_temporary(args[0]) &&
            (xb == NULL || (Py_TYPE(xb) == &PyArray_Type && Py_REFCNT(xb) == 1 &&
                            PyArray_BASE((PyArrayObject *)xb) == NULL))) {
            return make_copy(args[0]);
        }
        return make_view_raw(args[0], root_of(x), args[0], m->label);
    }
    /* asarray(obj, dtype=None, order=None, *, copy=None) (direct 0) and array(obj,
       dtype=None, *, copy=True, order="K") (direct 1) with common arguments */
    if (nargs >= 1 && nargs <= (m->direct == 0 ? 3 : 2)) {
        Py_ssize_t known = 0, nkw = kwnames == NULL ? 0 : PyTuple_GET_SIZE(kwnames);
        PyObject *const *kw = args + nargs;
        PyObject *dtype = nargs > 1 ? args[1] : keyword(kw, kwnames, KW_NAME(0), Py_None, &known);
        PyObject *order = nargs > 2 ? args[2] : keyword(kw, kwnames, KW_NAME(1), Py_None, &known);
        PyObject *copy = keyword(kw, kwnames, KW_NAME(2), m->direct == 0 ? Py_None : Py_True, &known);
        if (known == nkw && (dtype == Py_None || is_dtype_like(dtype)) &&
            (copy == Py_None || copy == Py_True || copy == Py_False) &&
            (order == Py_None || (PyUnicode_CheckExact(order) && PyUnicode_GET_LENGTH(order) == 1 &&
                                  strchr("KACF", (int)PyUnicode_READ_CHAR(order, 0)) != NULL))) {
            PyObject *r = convert_fast(args[0], dtype, order == Py_None ? order_k : order, copy, m->label);
            if (r != FALLBACK) {
                return r;
            }
        }
    }
    return PyObject_Vectorcall(m->fallback, args, nargsf, kwnames);
}

static PyObject *
FastAsarray_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    TaggedMethodObject *m = (TaggedMethodObject *)TaggedMethod_new(type, args, kwds);
    if (m != NULL) {
        m->vectorcall = (vectorcallfunc)FastAsarray_vectorcall;
    }
    return (PyObject *)m;
}

static PyObject *
FastAsarray_getattro(TaggedMethodObject *m, PyObject *attr)
{
    /* the Python function's __doc__, __name__, __signature__ ...; __wrapped__ is the function
       itself (inspect.signature and doctest's finder reach it so) */
    if (PyUnicode_Check(attr) && PyUnicode_CompareWithASCIIString(attr, "__wrapped__") == 0) {
        return Py_NewRef(m->fallback);
    }
    return PyObject_GetAttr(m->fallback, attr);
}

static PyTypeObject FastAsarray_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "safearray._speedups.FastAsarray",
    .tp_basicsize = sizeof(TaggedMethodObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(TaggedMethodObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_new = FastAsarray_new,
    .tp_dealloc = (destructor)TaggedMethod_dealloc,
    .tp_getattro = (getattrofunc)FastAsarray_getattro,
    .tp_repr = (reprfunc)TaggedMethod_repr,
};

/* ------------------------------------------------------------------------------------ */
/* The mirrored namespace's plain calls without a Python frame: `sa.zeros(3)`, `sa.where(m, a,
   0)`, `sa.sqrt(x)`, `sa.add(x, 1, out=c)`. Arguments are unwrapped (lists and tuples too),
   NumPy runs, the result is tagged against every array met, as call_function and call_ufunc
   do in Python; every call that needs a judgement (a write into an argument, `out=` a View,
   a temporary first argument, stale Views, outputs by position) goes to the Python wrapper. */

typedef struct {
    PyObject_HEAD
    PyObject *func;      /* NumPy's callable */
    PyObject *fallback;  /* the Python wrapper: every call that needs a judgement */
    PyObject *temp_fallback; /* the same, for a temporary View as first argument */
    PyObject *impl;      /* what runs on plain ndarrays (NumPy's implementation); NULL until used */
    PyObject *label;     /* "np.f()" */
    Py_ssize_t outpos;   /* where `out` is taken by position */
    vectorcallfunc vectorcall;
} TaggedFunctionObject;

static int
load_labels(PyObject *func, PyObject **label, PyObject **impl, Py_ssize_t *outpos)
{
    PyObject *t = PyObject_CallOneArg(py_labels, func);
    if (t == NULL) {
        return -1;
    }
    if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 5) {
        Py_DECREF(t);
        PyErr_SetString(PyExc_TypeError, "_labels() must return a 5-tuple");
        return -1;
    }
    Py_ssize_t pos = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 3));
    if (pos == -1 && PyErr_Occurred()) {
        Py_DECREF(t);
        return -1;
    }
    if (outpos != NULL) {
        *outpos = pos;
    }
    Py_XSETREF(*label, Py_NewRef(PyTuple_GET_ITEM(t, 0)));
    if (impl != NULL) {
        Py_XSETREF(*impl, Py_NewRef(PyTuple_GET_ITEM(t, 4)));
    }
    Py_DECREF(t);
    return 0;
}

static PyObject *
TaggedFunction_vectorcall(TaggedFunctionObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (m->impl == NULL && py_labels != NULL &&
        load_labels(m->func, &m->label, &m->impl, &m->outpos) < 0) {
        return NULL;
    }
    /* `sa.squeeze(sa.array(rows))`: the only View of a temporary Copy owns its memory
       (adopted here: through this call the Python wrapper cannot count references) */
    PyObject *temp = nargs > 0 && Py_TYPE(args[0]) == Copy_Type && is_temporary(args[0]) ? args[0] : NULL;
    /* registered as writing into an argument (writes_into(), at any time) */
    int writes = py_writes_into == NULL ? 1 : PyDict_Contains(py_writes_into, m->func);
    if (writes < 0) {
        PyErr_Clear(); /* an unhashable callable: the Python wrapper decides */
    }
    if (writes != 0) {
        if (nargs > 0 && Py_TYPE(args[0]) == View_Type && is_temporary(args[0])) {
            /* `sa.fill_diagonal(sa.fliplr(a), v)`: a write into what the View was made from */
            return PyObject_Vectorcall(m->temp_fallback, args, nargsf, kwnames);
        }
    }
    if (writes != 0 || m->impl == NULL || stale_reads || nargs > m->outpos || has_out_keyword(kwnames)) {
        PyObject *out = PyObject_Vectorcall(m->fallback, args, nargsf, kwnames);
        return temp != NULL ? adopt(out, (ArrayBaseObject *)temp) : out;
    }
    PyObject *srcs = take_srcs();
    if (srcs == NULL) {
        return NULL;
    }
    PyObject *r = call_unwrapped(m->impl, args, nargs, kwnames, srcs, 0);
    PyObject *out = NULL;
    if (r != NULL) {
        out = wrap_any(r, srcs, m->label);
        Py_DECREF(r);
    }
    give_srcs(srcs);
    return temp != NULL ? adopt(out, (ArrayBaseObject *)temp) : out;
}

static PyObject *
TaggedFunction_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *func, *fallback, *temp_fallback;
    if (!PyArg_ParseTuple(args, "OOO:TaggedFunction", &func, &fallback, &temp_fallback)) {
        return NULL;
    }
    TaggedFunctionObject *m = (TaggedFunctionObject *)type->tp_alloc(type, 0);
    if (m == NULL) {
        return NULL;
    }
    m->func = Py_NewRef(func);
    m->fallback = Py_NewRef(fallback);
    m->temp_fallback = Py_NewRef(temp_fallback);
    m->outpos = PY_SSIZE_T_MAX;
    m->vectorcall = (vectorcallfunc)TaggedFunction_vectorcall;
    return (PyObject *)m;
}

static int
TaggedFunction_traverse(TaggedFunctionObject *m, visitproc visit, void *arg)
{
    Py_VISIT(m->func);
    Py_VISIT(m->fallback);
    Py_VISIT(m->temp_fallback);
    Py_VISIT(m->impl);
    Py_VISIT(m->label);
    return 0;
}

static int
TaggedFunction_clear(TaggedFunctionObject *m)
{
    Py_CLEAR(m->func);
    Py_CLEAR(m->fallback);
    Py_CLEAR(m->temp_fallback);
    Py_CLEAR(m->impl);
    Py_CLEAR(m->label);
    return 0;
}

static void
TaggedFunction_dealloc(TaggedFunctionObject *m)
{
    PyObject_GC_UnTrack(m);
    TaggedFunction_clear(m);
    Py_TYPE(m)->tp_free((PyObject *)m);
}

static PyObject *
TaggedFunction_getattro(TaggedFunctionObject *m, PyObject *attr)
{
    /* the Python wrapper's __doc__, __name__, __module__, __wrapped__ (its signature) ... */
    return PyObject_GetAttr(m->fallback, attr);
}

static int
TaggedFunction_setattro(TaggedFunctionObject *m, PyObject *attr, PyObject *value)
{
    return PyObject_SetAttr(m->fallback, attr, value);
}

static PyObject *
TaggedFunction_repr(TaggedFunctionObject *m)
{
    return PyObject_Repr(m->fallback);
}

static PyObject *
TaggedFunction_descr_get(PyObject *m, PyObject *obj, PyObject *type)
{
    /* a function: bound when stored on a class, as the Python wrapper was */
    if (obj == NULL || obj == Py_None) {
        return Py_NewRef(m);
    }
    return PyMethod_New(m, obj);
}

static PyTypeObject TaggedFunction_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "safearray._speedups.TaggedFunction",
    .tp_doc = "A mirrored NumPy function whose plain calls are unwrapped, run and tagged in C.",
    .tp_basicsize = sizeof(TaggedFunctionObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_HAVE_GC |
                Py_TPFLAGS_METHOD_DESCRIPTOR,
    .tp_vectorcall_offset = offsetof(TaggedFunctionObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_new = TaggedFunction_new,
    .tp_traverse = (traverseproc)TaggedFunction_traverse,
    .tp_clear = (inquiry)TaggedFunction_clear,
    .tp_dealloc = (destructor)TaggedFunction_dealloc,
    .tp_getattro = (getattrofunc)TaggedFunction_getattro,
    .tp_setattro = (setattrofunc)TaggedFunction_setattro,
    .tp_descr_get = TaggedFunction_descr_get,
    .tp_repr = (reprfunc)TaggedFunction_repr,
};

/* UfuncBase: the compiled base of safearray.ufunc (its fields and its call). */
typedef struct {
    PyObject_HEAD
    PyObject *uf;        /* NumPy's ufunc */
    PyObject *name;      /* __name__ */
    PyObject *label;     /* "np.f()"; NULL until the first call */
    Py_ssize_t nin;
    vectorcallfunc vectorcall;
} UfuncObject;

static PyObject *
Ufunc_fallback(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (py_ufunc_call == NULL) {
        PyErr_SetString(PyExc_TypeError, "safearray ufuncs are not configured");
        return NULL;
    }
    if (nargsf & PY_VECTORCALL_ARGUMENTS_OFFSET) { /* args[-1] may be used for self */
        PyObject **a = (PyObject **)args - 1;
        PyObject *saved = a[0];
        a[0] = self;
        PyObject *r = PyObject_Vectorcall(py_ufunc_call, a, nargs + 1, kwnames);
        a[0] = saved;
        return r;
    }
    Py_ssize_t n = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
    PyObject *small[SMALL_STACK + 1];
    PyObject **stack = n < SMALL_STACK ? small : PyMem_Malloc((n + 1) * sizeof(PyObject *));
    if (stack == NULL) {
        return PyErr_NoMemory();
    }
    stack[0] = self;
    for (Py_ssize_t i = 0; i < n; i++) {
        stack[i + 1] = args[i];
    }
    PyObject *r = PyObject_Vectorcall(py_ufunc_call, stack, nargs + 1, kwnames);
    if (stack != small) {
        PyMem_Free(stack);
    }
    return r;
}

/* An out= value the compiled call may write into without a judgement: a Copy that nothing
   else sees, or an ndarray (the caller's); a 1-tuple of one (NumPy's override protocol passes
   its out so). Returns the target (borrowed), or NULL. */
static PyObject *
plain_out(PyObject *v)
{
    if (PyTuple_CheckExact(v)) {
        if (PyTuple_GET_SIZE(v) != 1) {
            return NULL;
        }
        v = PyTuple_GET_ITEM(v, 0);
    }
    if (Py_TYPE(v) == Copy_Type) {
        ArrayBaseObject *c = (ArrayBaseObject *)v;
        if (c->a == NULL || c->nviews != 0 || c->stale != NULL || c->policy != NULL ||
            !PyArray_ISWRITEABLE((PyArrayObject *)c->a)) {
            return NULL;
        }
        return v;
    }
    return Py_TYPE(v) == &PyArray_Type ? v : NULL;
}

/* `uf(*args, **kwargs)` unwrapped, run and tagged, as call_ufunc does for a call whose out= (if
   any) is a plain_out; FALLBACK (no error set) when the Python path must judge. */
static PyObject *
ufunc_call_fast(PyObject *uf, PyObject *label, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *given = NULL;
    if (kwnames != NULL) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
            if (is_out_name(PyTuple_GET_ITEM(kwnames, i))) {
                given = plain_out(args[nargs + i]);
                if (given == NULL) {
                    return FALLBACK;
                }
            }
        }
    }
    PyObject *srcs = take_srcs();
    if (srcs == NULL) {
        return NULL;
    }
    PyObject *r = call_unwrapped(uf, args, nargs, kwnames, srcs, given != NULL);
    PyObject *out = NULL;
    if (r == FALLBACK) {
        give_srcs(srcs);
        return FALLBACK;
    }
    if (r != NULL) {
        if (given != NULL && (r == given || r == unwrap(given))) {
            out = Py_NewRef(given); /* NumPy returns its out: the object passed */
        }
        else {
            out = wrap_any(r, srcs, label);
        }
        Py_DECREF(r);
    }
    give_srcs(srcs);
    return out;
}

static PyObject *
Ufunc_vectorcall(UfuncObject *u, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (u->uf == NULL || stale_reads || nargs != u->nin) {
        return Ufunc_fallback((PyObject *)u, args, nargsf, kwnames);
    }
    if (u->label == NULL && py_labels != NULL && load_labels(u->uf, &u->label, NULL, NULL) < 0) {
        return NULL;
    }
    if (u->label == NULL) {
        return Ufunc_fallback((PyObject *)u, args, nargsf, kwnames);
    }
    PyObject *r = ufunc_call_fast(u->uf, u->label, args, nargs, kwnames);
    if (r == FALLBACK) {
        return Ufunc_fallback((PyObject *)u, args, nargsf, kwnames);
    }
    return r;
}

static PyObject *
Ufunc_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    UfuncObject *u = (UfuncObject *)type->tp_alloc(type, 0);
    if (u != NULL) {
        u->vectorcall = (vectorcallfunc)Ufunc_vectorcall;
    }
    return (PyObject *)u;
}

static int
Ufunc_traverse(UfuncObject *u, visitproc visit, void *arg)
{
    Py_VISIT(u->uf);
    Py_VISIT(u->name);
    Py_VISIT(u->label);
    return 0;
}

static int
Ufunc_clear(UfuncObject *u)
{
    Py_CLEAR(u->uf);
    Py_CLEAR(u->name);
    Py_CLEAR(u->label);
    return 0;
}

static void
Ufunc_dealloc(UfuncObject *u)
{
    PyObject_GC_UnTrack(u);
    Ufunc_clear(u);
    Py_TYPE(u)->tp_free((PyObject *)u);
}

static PyObject *
Ufunc_get_uf(UfuncObject *u, void *closure)
{
    if (u->uf == NULL) {
        PyErr_SetString(PyExc_AttributeError, "_uf");
        return NULL;
    }
    return Py_NewRef(u->uf);
}

static int
Ufunc_set_uf(UfuncObject *u, PyObject *value, void *closure)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cannot delete _uf");
        return -1;
    }
    Py_XSETREF(u->uf, Py_NewRef(value));
    Py_CLEAR(u->label);
    return 0;
}

static PyGetSetDef Ufunc_getset[] = {
    {"_uf", (getter)Ufunc_get_uf, (setter)Ufunc_set_uf, "NumPy's ufunc", NULL},
    {NULL},
};

static PyMemberDef Ufunc_members[] = {
    {"_nin", T_PYSSIZET, offsetof(UfuncObject, nin), 0, "the number of inputs"},
    {"__name__", T_OBJECT, offsetof(UfuncObject, name), 0, "the ufunc's name"},
    {NULL},
};

static PyTypeObject Ufunc_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "safearray._speedups.UfuncBase",
    .tp_doc = "Compiled base of safearray.ufunc: its fields and its plain calls.",
    .tp_basicsize = sizeof(UfuncObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_VECTORCALL |
                Py_TPFLAGS_HAVE_GC,
    .tp_vectorcall_offset = offsetof(UfuncObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_new = Ufunc_new,
    .tp_traverse = (traverseproc)Ufunc_traverse,
    .tp_clear = (inquiry)Ufunc_clear,
    .tp_dealloc = (destructor)Ufunc_dealloc,
    .tp_getset = Ufunc_getset,
    .tp_members = Ufunc_members,
};

/* `sa.add.reduce(x)`, `sa.add.accumulate(x, 0)`, `sa.multiply.outer(a, b)`: the ufunc's
   method unwrapped, run and tagged in C when no `out` is given (m->outpos: how many arguments
   it takes by position before its `out`); the Python method takes the others. */
static PyObject *
UfuncMethod_vectorcall(TaggedMethodObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs < 2 || nargs - 1 > m->outpos || stale_reads || has_out_keyword(kwnames) ||
        !PyObject_TypeCheck(args[0], &Ufunc_Type) || ((UfuncObject *)args[0])->uf == NULL ||
        py_labels == NULL) {
        return PyObject_Vectorcall(m->fallback, args, nargsf, kwnames);
    }
    UfuncObject *u = (UfuncObject *)args[0];
    if (u->label == NULL && load_labels(u->uf, &u->label, NULL, NULL) < 0) {
        return NULL;
    }
    PyObject *bound = PyObject_GetAttr(u->uf, m->name);
    if (bound == NULL) {
        return NULL;
    }
    PyObject *srcs = take_srcs();
    if (srcs == NULL) {
        Py_DECREF(bound);
        return NULL;
    }
    PyObject *r = call_unwrapped(bound, args + 1, nargs - 1, kwnames, srcs, 0);
    Py_DECREF(bound);
    PyObject *out = NULL;
    if (r != NULL) {
        out = wrap_any(r, srcs, u->label);
        Py_DECREF(r);
    }
    give_srcs(srcs);
    return out;
}

static PyObject *
UfuncMethod_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *name, *fallback;
    Py_ssize_t positional;
    if (!PyArg_ParseTuple(args, "UOn:UfuncMethod", &name, &fallback, &positional)) {
        return NULL;
    }
    TaggedMethodObject *m = (TaggedMethodObject *)type->tp_alloc(type, 0);
    if (m == NULL) {
        return NULL;
    }
    m->name = Py_NewRef(name);
    m->fallback = Py_NewRef(fallback);
    m->label = Py_NewRef(Py_None);
    m->outpos = positional;
    m->vectorcall = (vectorcallfunc)UfuncMethod_vectorcall;
    return (PyObject *)m;
}

/* A callable descriptor over a Python fallback (TaggedMethodObject): its vectorcall is set by
   `new`; attributes (__doc__, __name__, __wrapped__ ...) are the fallback's. */
#define DELEGATING_TYPE(var, name, doc, new)                                          \
    static PyTypeObject var = {                                                       \
        PyVarObject_HEAD_INIT(NULL, 0)                                                \
        .tp_name = "safearray._speedups." name,                                       \
        .tp_doc = doc,                                                                \
        .tp_basicsize = sizeof(TaggedMethodObject),                                   \
        .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_METHOD_DESCRIPTOR | Py_TPFLAGS_HAVE_VECTORCALL, \
        .tp_vectorcall_offset = offsetof(TaggedMethodObject, vectorcall),             \
        .tp_call = PyVectorcall_Call,                                                 \
        .tp_descr_get = TaggedMethod_descr_get,                                       \
        .tp_new = new,                                                                \
        .tp_dealloc = (destructor)TaggedMethod_dealloc,                               \
        .tp_getattro = (getattrofunc)FastAsarray_getattro,                            \
        .tp_repr = (reprfunc)TaggedMethod_repr,                                       \
    }

DELEGATING_TYPE(UfuncMethod_Type, "UfuncMethod",
                "A method of safearray.ufunc (reduce, accumulate, ...) whose plain calls run in C.",
                UfuncMethod_new);

/* `numpy.sqrt(x)`, `numpy.concatenate([x, y])` on SafeArrays: NumPy's override protocols
   (__array_ufunc__, __array_function__) answered in C for the plain calls, by the same
   unwrap-call-tag path as the mirrored namespace; the others go to the Python methods. */

static PyObject *ufunc_info = NULL;     /* NumPy ufunc -> (label, nin) */
static PyObject *function_info = NULL;  /* NumPy function -> _labels(func) */
static PyObject *call_name = NULL;      /* "__call__" */
static PyTypeObject *np_ufunc_type = NULL;
static Py_ssize_t dispatch_temp = PY_SSIZE_T_MAX; /* refcount of a temporary Copy in __array_function__ */

/* Inputs of a ufunc that no other array library claims: tagged arrays, ndarrays, Python and
   NumPy scalars (others may define __array_ufunc__: the Python method asks them). */
static int
known_inputs(PyObject *const *args, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = args[i];
        PyTypeObject *t = Py_TYPE(x);
        if (t == View_Type || t == Copy_Type || t == &PyArray_Type || t == &PyFloat_Type ||
            t == &PyLong_Type || t == &PyBool_Type || t == &PyComplex_Type ||
            PyArray_IsScalar(x, Generic)) {
            continue;
        }
        return 0;
    }
    return 1;
}

static PyObject *
cached_info(PyObject *cache, PyObject *key, int ufunc)
{
    PyObject *info = PyDict_GetItemWithError(cache, key); /* borrowed */
    if (info != NULL || PyErr_Occurred()) {
        return info;
    }
    PyObject *labels = PyObject_CallOneArg(py_labels, key);
    if (labels == NULL) {
        return NULL;
    }
    if (ufunc) {
        PyObject *nin = PyObject_GetAttrString(key, "nin");
        if (nin == NULL) {
            Py_DECREF(labels);
            return NULL;
        }
        info = PyTuple_Pack(2, PyTuple_GET_ITEM(labels, 0), nin);
        Py_DECREF(nin);
        Py_DECREF(labels);
    }
    else {
        info = labels;
    }
    if (info == NULL || PyDict_SetItem(cache, key, info) < 0) {
        Py_XDECREF(info);
        return NULL;
    }
    Py_DECREF(info);
    return info; /* borrowed from the cache */
}

/* `method == "__call__"`: NumPy makes the string anew for every call it hands over, so the
   interned one is rarely the same object; compared by its bytes (PyUnicode_Compare is a tenth of
   the rest of this path) */
static inline int
is_call_name(PyObject *o)
{
    return PyUnicode_CheckExact(o) && PyUnicode_IS_COMPACT_ASCII(o) && PyUnicode_GET_LENGTH(o) == 8 &&
           memcmp(PyUnicode_DATA(o), "__call__", 8) == 0;
}

static PyObject *
ArrayUfunc_vectorcall(TaggedMethodObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    /* (self, ufunc, method, *inputs, **kwargs) */
    if (nargs >= 4 && !stale_reads && py_labels != NULL && Py_TYPE(args[1]) == np_ufunc_type &&
        (args[2] == call_name || is_call_name(args[2]))) {
        PyObject *info = cached_info(ufunc_info, args[1], 1);
        if (info == NULL) {
            return NULL;
        }
        Py_ssize_t nin = PyLong_AsSsize_t(PyTuple_GET_ITEM(info, 1));
        if (nargs - 3 == nin && known_inputs(args + 3, nin)) {
            PyObject *r = ufunc_call_fast(args[1], PyTuple_GET_ITEM(info, 0), args + 3, nin, kwnames);
            if (r != FALLBACK) {
                return r;
            }
        }
    }
    return PyObject_Vectorcall(m->fallback, args, nargsf, kwnames);
}

static PyObject *
ArrayFunction_vectorcall(TaggedMethodObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    /* (self, func, types, args, kwargs) */
    if (nargs != 5 || kwnames != NULL || !IS_TAGGED(args[0])) {
        goto fallback;
    }
    PyObject *self = args[0], *func = args[1], *types = args[2], *fargs = args[3], *fkw = args[4];
    if (recording) {
        recorded = Py_REFCNT(self);
        goto fallback;
    }
    if (stale_reads || py_labels == NULL || py_writes_into == NULL || !PyTuple_CheckExact(fargs) ||
        !PyDict_CheckExact(fkw) || !PyTuple_Check(types)) {
        goto fallback;
    }
    /* a Copy that may be a temporary: a result that shares its memory may own it, which the
       Python method decides (after NumPy ran here: nothing is written on this path) */
    int maybe_temp = Py_TYPE(self) == Copy_Type && Py_REFCNT(self) <= dispatch_temp;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(types); i++) {
        PyObject *t = PyTuple_GET_ITEM(types, i);
        if (t != (PyObject *)View_Type && t != (PyObject *)Copy_Type) {
            goto fallback;
        }
    }
    int writes = PyDict_Contains(py_writes_into, func);
    if (writes != 0) {
        if (writes < 0) {
            PyErr_Clear();
        }
        goto fallback;
    }
    PyObject *info = cached_info(function_info, func, 0);
    if (info == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_TypeError)) {
            return NULL;
        }
        PyErr_Clear(); /* an unhashable callable */
        goto fallback;
    }
    Py_ssize_t outpos = PyLong_AsSsize_t(PyTuple_GET_ITEM(info, 3));
    Py_ssize_t n = PyTuple_GET_SIZE(fargs), nkw = PyDict_GET_SIZE(fkw);
    if (n > outpos || n + nkw > SMALL_STACK) {
        goto fallback;
    }
    PyObject *stack[SMALL_STACK];
    for (Py_ssize_t i = 0; i < n; i++) {
        stack[i] = PyTuple_GET_ITEM(fargs, i);
    }
    PyObject *kwn = NULL;
    if (nkw) {
        kwn = PyTuple_New(nkw);
        if (kwn == NULL) {
            return NULL;
        }
        PyObject *key, *value;
        Py_ssize_t pos = 0, k = 0;
        while (PyDict_Next(fkw, &pos, &key, &value)) {
            if (is_out_name(key)) {
                Py_DECREF(kwn);
                goto fallback;
            }
            PyTuple_SET_ITEM(kwn, k, Py_NewRef(key));
            stack[n + k++] = value;
        }
    }
    PyObject *srcs = take_srcs();
    if (srcs == NULL) {
        Py_XDECREF(kwn);
        return NULL;
    }
    PyObject *r = call_unwrapped(PyTuple_GET_ITEM(info, 4), stack, n, kwn, srcs, 0);
    Py_XDECREF(kwn);
    PyObject *out = NULL;
    if (r != NULL) {
        out = wrap_any(r, srcs, PyTuple_GET_ITEM(info, 0));
        Py_DECREF(r);
    }
    give_srcs(srcs);
    if (out != NULL && maybe_temp && Py_TYPE(out) != Copy_Type && !PyArray_IsScalar(out, Generic) &&
        !PyFloat_CheckExact(out) && !PyLong_CheckExact(out) && !PyBool_Check(out)) {
        Py_DECREF(out);
        goto fallback;
    }
    return out;
fallback:
    return PyObject_Vectorcall(m->fallback, args, nargsf, kwnames);
}

static PyTypeObject ArrayUfunc_Type;

static PyObject *
ArrayProtocol_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *fallback;
    if (!PyArg_ParseTuple(args, "O:ArrayProtocol", &fallback)) {
        return NULL;
    }
    TaggedMethodObject *m = (TaggedMethodObject *)type->tp_alloc(type, 0);
    if (m == NULL) {
        return NULL;
    }
    m->fallback = Py_NewRef(fallback);
    m->name = PyObject_GetAttrString(fallback, "__name__");
    if (m->name == NULL) {
        Py_DECREF(m);
        return NULL;
    }
    m->label = Py_NewRef(Py_None);
    m->vectorcall = type == &ArrayUfunc_Type ? (vectorcallfunc)ArrayUfunc_vectorcall
                                             : (vectorcallfunc)ArrayFunction_vectorcall;
    return (PyObject *)m;
}

DELEGATING_TYPE(ArrayUfunc_Type, "ArrayUfunc",
                "SafeArray.__array_ufunc__: plain ufunc calls answered in C.",
                ArrayProtocol_new);

DELEGATING_TYPE(ArrayFunction_Type, "ArrayFunction",
                "SafeArray.__array_function__: plain NumPy function calls answered in C.",
                ArrayProtocol_new);

/* `np.asarray(x)` (x.__array__() with no dtype and no copy) for a caller that is neither
   NumPy's nor pandas' Python code: _policy.handout in C for "allow" (the memory) and "warn"
   (a read-only view); every other call goes to the Python __array__. */
static PyObject *block_mode = NULL;     /* _policy._block_mode, a ContextVar */
static PyObject *policy_dict = NULL;  /* safearray._policy's namespace (its _global_mode) */
static PyObject *global_mode_name = NULL;

static int
caller_is(PyObject *prefix1, PyObject *prefix2)
{
    PyObject *globals = PyEval_GetGlobals(); /* borrowed */
    if (globals == NULL || !PyDict_Check(globals)) {
        return 0;
    }
    PyObject *name = PyDict_GetItemWithError(globals, name_key);
    if (name == NULL || !PyUnicode_Check(name)) {
        PyErr_Clear();
        return 0;
    }
    /* the last module name asked about and the answer (a reference is kept, so the same
       address is the same string): a loop asks for the same caller every time */
    static PyObject *last_name = NULL, *last_prefix1 = NULL;
    static int last_answer = 0;
    if (name == last_name && prefix1 == last_prefix1) {
        return last_answer;
    }
    int answer = PyUnicode_Tailmatch(name, prefix1, 0, PY_SSIZE_T_MAX, -1) == 1 ||
                 PyUnicode_Tailmatch(name, prefix2, 0, PY_SSIZE_T_MAX, -1) == 1;
    PyErr_Clear();
    Py_INCREF(name);
    Py_XSETREF(last_name, name);
    last_prefix1 = prefix1;
    last_answer = answer;
    return answer;
}

static PyObject *numpy_prefix = NULL, *pandas_prefix = NULL;
static PyObject *allow_s = NULL, *warn_s = NULL; /* the modes' names, interned */

static PyObject *
ArrayExport_vectorcall(TaggedMethodObject *m, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (nargs < 1 || nargs > 2 || !IS_TAGGED(args[0]) || stale_reads || block_mode == NULL ||
        (nargs == 2 && args[1] != Py_None)) {
        goto fallback;
    }
    for (Py_ssize_t i = 0; kwnames != NULL && i < PyTuple_GET_SIZE(kwnames); i++) {
        if (args[nargs + i] != Py_None) {
            goto fallback; /* a dtype, or copy=True/False */
        }
    }
    ArrayBaseObject *self = (ArrayBaseObject *)args[0];
    if (self->a == NULL || caller_is(numpy_prefix, pandas_prefix)) {
        goto fallback;
    }
    PyObject *mode = self->policy;
    PyObject *owned = NULL;
    if (mode == NULL || !PyUnicode_CheckExact(mode)) { /* none, or a guard's mark */
        if (PyContextVar_Get(block_mode, NULL, &owned) < 0) {
            return NULL;
        }
        if (owned == NULL || owned == Py_None) {
            Py_XDECREF(owned);
            /* _policy._global_mode, read from the module's dict (a module attribute lookup
               costs more than the rest of this path) */
            owned = PyDict_GetItemWithError(policy_dict, global_mode_name);
            if (owned == NULL) {
                if (!PyErr_Occurred()) {
                    PyErr_SetString(PyExc_RuntimeError, "safearray._policy has no _global_mode");
                }
                return NULL;
            }
            Py_INCREF(owned);
        }
        mode = owned;
    }
    PyObject *r = NULL;
    if (mode == allow_s || (PyUnicode_Check(mode) && PyUnicode_CompareWithASCIIString(mode, "allow") == 0)) {
        r = Py_NewRef(self->a);
    }
    else if (mode == warn_s || (PyUnicode_Check(mode) && PyUnicode_CompareWithASCIIString(mode, "warn") == 0)) {
        r = PyArray_View((PyArrayObject *)self->a, NULL, NULL);
        if (r != NULL) {
            PyArray_CLEARFLAGS((PyArrayObject *)r, NPY_ARRAY_WRITEABLE);
        }
    }
    else {
        Py_XDECREF(owned);
        goto fallback; /* "raise": a View's memory is sealed, in Python */
    }
    Py_XDECREF(owned);
    return r;
fallback:
    return PyObject_Vectorcall(m->fallback, args, nargsf, kwnames);
}

static PyObject *
configure_export(PyObject *module, PyObject *args)
{
    PyObject *var, *mod;
    if (!PyArg_ParseTuple(args, "OO:configure_export", &var, &mod)) {
        return NULL;
    }
    if (!PyContextVar_CheckExact(var)) {
        PyErr_SetString(PyExc_TypeError, "configure_export() needs the policy's ContextVar");
        return NULL;
    }
    if (!PyModule_Check(mod)) {
        PyErr_SetString(PyExc_TypeError, "configure_export() needs the policy's module");
        return NULL;
    }
    Py_XSETREF(block_mode, Py_NewRef(var));
    Py_XSETREF(policy_dict, Py_NewRef(PyModule_GetDict(mod)));
    Py_RETURN_NONE;
}

static PyObject *
ArrayExport_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    PyObject *fallback;
    if (!PyArg_ParseTuple(args, "O:ArrayExport", &fallback)) {
        return NULL;
    }
    TaggedMethodObject *m = (TaggedMethodObject *)type->tp_alloc(type, 0);
    if (m == NULL) {
        return NULL;
    }
    m->fallback = Py_NewRef(fallback);
    m->name = PyUnicode_FromString("__array__");
    m->label = Py_NewRef(Py_None);
    m->vectorcall = (vectorcallfunc)ArrayExport_vectorcall;
    return m->name == NULL ? (Py_DECREF(m), NULL) : (PyObject *)m;
}

DELEGATING_TYPE(ArrayExport_Type, "ArrayExport",
                "SafeArray.__array__: np.asarray(x) answered in C for the common callers.",
                ArrayExport_new);

/* TaggedAttribute: `x.T`, `x.real`, ... tagged without a Python frame. */

static PyObject *
TaggedAttribute_descr_get(TaggedMethodObject *m, PyObject *obj, PyObject *type)
{
    if (obj == NULL || obj == Py_None) {
        Py_INCREF(m);
        return (PyObject *)m;
    }
    if (!IS_TAGGED(obj) || ((ArrayBaseObject *)obj)->a == NULL) {
        return PyObject_CallOneArg(m->fallback, obj);
    }
    int temp = is_temporary(obj);
    if (STALE_READ(obj)) {
        return NULL;
    }
    PyObject *r = PyObject_GetAttr(((ArrayBaseObject *)obj)->a, m->name);
    if (r == NULL) {
        return NULL;
    }
    return tag1(r, (ArrayBaseObject *)obj, m->label, temp);
}

/* `x.real = v`: a write into x's elements, judged by the write policy (in Python). */
static int
TaggedAttribute_descr_set(TaggedMethodObject *m, PyObject *obj, PyObject *value)
{
    if (value == NULL) {
        PyErr_Format(PyExc_AttributeError, "cannot delete attribute %R of a SafeArray", m->name);
        return -1;
    }
    PyObject *temp = setitem_temp >= 0 && is_temporary(obj) ? Py_True : Py_False;
    PyObject *r = PyObject_CallFunctionObjArgs(py_set_part, obj, m->name, value, temp, NULL);
    if (r == NULL) {
        return -1;
    }
    Py_DECREF(r);
    return 0;
}

static PyTypeObject TaggedAttribute_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "safearray._speedups.TaggedAttribute",
    .tp_doc = "An attribute of SafeArray (T, real, ...) tagged by memory (compiled fast path).",
    .tp_basicsize = sizeof(TaggedMethodObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_descr_get = (descrgetfunc)TaggedAttribute_descr_get,
    .tp_descr_set = (descrsetfunc)TaggedAttribute_descr_set,
    .tp_new = TaggedMethod_new,
    .tp_dealloc = (destructor)TaggedMethod_dealloc,
    .tp_getattro = (getattrofunc)TaggedMethod_getattro,
    .tp_repr = (reprfunc)TaggedMethod_repr,
};

/* ------------------------------------------------------------------------------------ */
/* module functions */

static PyObject *
unwrap_function(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "unwrap(obj, srcs) needs a list of sources");
        return NULL;
    }
    return unwrap_into(args[0], args[1], NULL);
}

static PyObject *
wrap_function(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "wrap(r, srcs, op) needs a list of sources");
        return NULL;
    }
    return wrap_any(args[0], args[1], args[2]);
}

static PyObject *
configure(PyObject *module, PyObject *args)
{
    PyObject *view, *copy, *other, *name;
    if (!PyArg_ParseTuple(args, "O!O!OO:configure", &PyType_Type, &view, &PyType_Type, &copy,
                          &other, &name)) {
        return NULL;
    }
    if (!PyType_IsSubtype((PyTypeObject *)view, &ArrayBase_Type) ||
        !PyType_IsSubtype((PyTypeObject *)copy, &ArrayBase_Type)) {
        PyErr_SetString(PyExc_TypeError, "configure() needs subclasses of ArrayBase");
        return NULL;
    }
    Py_INCREF(view);
    Py_INCREF(copy);
    Py_INCREF(other);
    Py_INCREF(name);
    Py_XSETREF(View_Type, (PyTypeObject *)view);
    Py_XSETREF(Copy_Type, (PyTypeObject *)copy);
    freelist_on = plain_layout(View_Type) && plain_layout(Copy_Type);
    if (freelist_on) {
        View_Type->tp_dealloc = (destructor)Tagged_dealloc;
        Copy_Type->tp_dealloc = (destructor)Tagged_dealloc;
    }
    Py_XSETREF(py_wrap_other, other);
    Py_XSETREF(py_ndarray_name, name);
    Py_RETURN_NONE;
}

static PyObject *
configure_writes(PyObject *module, PyObject *args)
{
    PyObject *setitem, *inplace_fn, *readonly, *set_part;
    if (!PyArg_ParseTuple(args, "OOOO:configure_writes", &setitem, &inplace_fn, &readonly,
                          &set_part)) {
        return NULL;
    }
    Py_INCREF(setitem);
    Py_INCREF(inplace_fn);
    Py_INCREF(readonly);
    Py_INCREF(set_part);
    Py_XSETREF(py_judged_setitem, setitem);
    Py_XSETREF(py_judged_inplace, inplace_fn);
    Py_XSETREF(py_readonly_error, readonly);
    Py_XSETREF(py_set_part, set_part);
    Py_RETURN_NONE;
}

static PyObject *
set_array_callers(PyObject *module, PyObject *prefixes)
{
    if (!PyTuple_CheckExact(prefixes)) {
        PyErr_SetString(PyExc_TypeError, "set_array_callers: a tuple of str");
        return NULL;
    }
    Py_INCREF(prefixes);
    Py_XSETREF(array_callers, prefixes);
    Py_RETURN_NONE;
}

static PyObject *
configure_stale(PyObject *module, PyObject *args)
{
    PyObject *wrote, *source, *read, *swap;
    if (!PyArg_ParseTuple(args, "OOOO:configure_stale", &wrote, &source, &read, &swap)) {
        return NULL;
    }
    Py_INCREF(wrote);
    Py_INCREF(source);
    Py_INCREF(read);
    Py_INCREF(swap);
    Py_XSETREF(py_wrote, wrote);
    Py_XSETREF(py_stale_source, source);
    Py_XSETREF(py_stale_read, read);
    Py_XSETREF(py_compiled_swap, swap);
    Py_RETURN_NONE;
}

/* configure_functions(labels, ufunc_call, writes_into): _array._labels, the Python
   ufunc.__call__ that takes every call the compiled one does not, and _array.WRITES_INTO. */
static PyObject *
configure_functions(PyObject *module, PyObject *args)
{
    PyObject *labels, *ufunc_call, *writes;
    if (!PyArg_ParseTuple(args, "OOO!:configure_functions", &labels, &ufunc_call, &PyDict_Type, &writes)) {
        return NULL;
    }
    Py_XSETREF(py_writes_into, Py_NewRef(writes));
    Py_XSETREF(py_labels, Py_NewRef(labels));
    Py_XSETREF(py_ufunc_call, Py_NewRef(ufunc_call));
    Py_RETURN_NONE;
}

/* set_dispatch_temp(n): the reference count of a temporary Copy as __array_function__ sees
   it (calibrated at import); a Copy seen with at most n goes to the Python method. */
static PyObject *
set_dispatch_temp(PyObject *module, PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    dispatch_temp = n;
    Py_RETURN_NONE;
}

/* enable_vectorcall(cls): calls of instances of cls, a Python subclass of UfuncBase that
   defines no __call__, go straight to the compiled call (CPython < 3.12 does not pass the
   flag on to heap subclasses). */
static PyObject *
enable_vectorcall(PyObject *module, PyObject *cls)
{
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, &Ufunc_Type)) {
        PyErr_SetString(PyExc_TypeError, "enable_vectorcall() needs a subclass of UfuncBase");
        return NULL;
    }
    PyTypeObject *t = (PyTypeObject *)cls;
    if (t->tp_call != Ufunc_Type.tp_call) {
        PyErr_SetString(PyExc_TypeError, "enable_vectorcall(): the class defines its own __call__");
        return NULL;
    }
    t->tp_vectorcall_offset = Ufunc_Type.tp_vectorcall_offset;
    t->tp_flags |= Py_TPFLAGS_HAVE_VECTORCALL;
    PyType_Modified(t);
    Py_RETURN_NONE;
}

/* any_stale(arrays): whether a tagged array of the list is stale (a fast test before
   _stale.check_inputs). */
static PyObject *
any_stale(PyObject *module, PyObject *arrays)
{
    if (!PyList_CheckExact(arrays)) {
        PyErr_SetString(PyExc_TypeError, "any_stale() needs a list");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(arrays); i++) {
        PyObject *o = PyList_GET_ITEM(arrays, i);
        if (IS_TAGGED(o) && is_stale(o)) {
            Py_RETURN_TRUE;
        }
    }
    Py_RETURN_FALSE;
}

/* others_see(x): whether other live Views of x's memory exist (a write into x may make them
   stale); a fast test before _stale.wrote. */
static PyObject *
others_see(PyObject *module, PyObject *x)
{
    if (!PyObject_TypeCheck(x, &ArrayBase_Type)) {
        Py_RETURN_FALSE;
    }
    ArrayBaseObject *self = (ArrayBaseObject *)x;
    ArrayBaseObject *h = holder_of(self);
    if (h == NULL) {
        h = self;
    }
    if (h->nviews == 0 || (h->nviews == 1 && h->views[0] == self)) {
        Py_RETURN_FALSE;
    }
    Py_RETURN_TRUE;
}

static PyObject *
set_stale_reads(PyObject *module, PyObject *flag)
{
    int on = PyObject_IsTrue(flag);
    if (on < 0) {
        return NULL;
    }
    stale_reads = on;
    Py_RETURN_NONE;
}

static PyObject *
record(PyObject *module, PyObject *flag)
{
    recording = PyObject_IsTrue(flag);
    return PyLong_FromSsize_t(recorded);
}

static PyObject *
set_temporaries(PyObject *module, PyObject *args)
{
    if (!PyArg_ParseTuple(args, "nn:set_temporaries", &setitem_temp, &inplace_temp)) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
set_adoption(PyObject *module, PyObject *flag)
{
    adoption = PyObject_IsTrue(flag);
    Py_RETURN_NONE;
}

static PyObject *
new_copy(PyObject *module, PyObject *a)
{
    return make_copy(a);
}

static PyObject *
new_view(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyObject_TypeCheck(args[1], &ArrayBase_Type)) {
        PyErr_SetString(PyExc_TypeError, "new_view(r, src, op) needs a tagged src");
        return NULL;
    }
    return make_view(args[0], (ArrayBaseObject *)args[1], args[2]);
}

static PyObject *
new_view_raw(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "new_view_raw(r, owner, src, op) takes 4 arguments");
        return NULL;
    }
    return make_view_raw(args[0], args[1], args[2], args[3]);
}

static PyObject *
wrap1(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyObject_TypeCheck(args[1], &ArrayBase_Type)) {
        PyErr_SetString(PyExc_TypeError, "wrap1(r, src, op) needs a tagged src");
        return NULL;
    }
    Py_INCREF(args[0]);
    return tag1(args[0], (ArrayBaseObject *)args[1], args[2], 0);
}

/* ------------------------------------------------------------------------------------ */
/* who else sees the bytes a write through a View changes */

/* The bytes [lo, hi) that the ndarray x spans (hi == lo when it has no element). */
static void
byte_bounds(PyArrayObject *x, char **lo, char **hi)
{
    strided_bounds(PyArray_BYTES(x), PyArray_NDIM(x), PyArray_DIMS(x), PyArray_STRIDES(x),
                   PyArray_ITEMSIZE(x), lo, hi);
}

/* The View of `a` that writing `a[key]` changes (a new reference), or NULL when that is all
   of `a`: key None, a key that selects no View (advanced indexing), or a bad key (NumPy
   reports it when the write runs). */
static PyObject *
written_part(PyObject *a, PyObject *key)
{
    if (key == Py_None) {
        return NULL;
    }
    /* with a trailing Ellipsis an element is a 0-d view, not a scalar */
    PyObject *k = unwrap(key), *part = NULL, *vk;
    if (PyTuple_CheckExact(k)) {
        PyObject *tail = PyTuple_Pack(1, Py_Ellipsis);
        vk = tail ? PySequence_Concat(k, tail) : NULL;
        Py_XDECREF(tail);
    }
    else {
        vk = PyTuple_Pack(2, k, Py_Ellipsis);
    }
    if (vk != NULL) {
        part = PyObject_GetItem(a, vk);
        Py_DECREF(vk);
    }
    if (part == NULL) {
        PyErr_Clear();
        part = PyObject_GetItem(a, k);
    }
    if (part == NULL) {
        PyErr_Clear();
        return NULL;
    }
    if (Py_TYPE(part) == &PyArray_Type && PyArray_BASE((PyArrayObject *)part) != NULL &&
        shares_root((PyArrayObject *)part, (PyArrayObject *)a)) {
        return part;
    }
    Py_DECREF(part);
    return NULL;
}

/* The bytes [lo, hi) that writing `a[key]` changes (key None: all of `a`). */
static void
written_bounds(PyObject *a, PyObject *key, char **lo, char **hi)
{
    Region r;
    if (key != Py_None && region_of_key((PyArrayObject *)a, key, &r)) {
        region_bounds(&r, lo, hi);
        return;
    }
    PyObject *part = written_part(a, key);
    byte_bounds((PyArrayObject *)(part ? part : a), lo, hi);
    Py_XDECREF(part);
}

/* Are the ndarrays of an owner (`owner_a`) and of its live Views held by anything else
   (a handed-out ndarray, a NumPy view a library made)? All must be plain arrays over one
   owner of the bytes M, linked to it directly or through the arrays between a NumPy view of a
   sealed array and M (see memory_link), each held exactly as often as the tagged arrays and
   the arrays linked to it hold it. */
static PyObject *memory_link(PyObject *x);

typedef struct {
    PyObject *obj;
    Py_ssize_t held; /* by the tagged arrays, and by the arrays linked to it */
} HeldNode;

static int
compare_nodes(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)((const HeldNode *)x)->obj, b = (uintptr_t)((const HeldNode *)y)->obj;
    return a < b ? -1 : a > b;
}

static int
memory_held_elsewhere(ArrayBaseObject *owner)
{
    PyObject *a = owner->a;
    PyObject *m = PyArray_BASE((PyArrayObject *)a) ? PyArray_BASE((PyArrayObject *)a) : a;
    if (Py_TYPE(m) != &PyArray_Type || PyArray_BASE((PyArrayObject *)m) != NULL) {
        return 1;
    }
    Py_ssize_t n = 0, cap = 1 + 2 * owner->nviews;
    HeldNode *nodes = PyMem_Malloc(2 * cap * sizeof(HeldNode));
    if (nodes == NULL) {
        return 1;
    }
    nodes[n++].obj = a;
    for (Py_ssize_t i = 0; i < owner->nviews; i++) {
        ArrayBaseObject *w = owner->views[i];
        nodes[n++].obj = w->a;
        if (w->src != NULL && w->src != (PyObject *)owner) {
            nodes[n++].obj = w->src;
        }
    }
    int elsewhere = 0;
    for (Py_ssize_t i = 0; i < n && !elsewhere; i++) {
        elsewhere = Py_TYPE(nodes[i].obj) != &PyArray_Type;
    }
    /* the distinct arrays, each held as often as it occurs */
    Py_ssize_t distinct = 0;
    if (!elsewhere) {
        qsort(nodes, n, sizeof(HeldNode), compare_nodes);
        for (Py_ssize_t i = 0; i < n; ) {
            Py_ssize_t j = i;
            while (j < n && nodes[j].obj == nodes[i].obj) {
                j++;
            }
            nodes[distinct].obj = nodes[i].obj;
            nodes[distinct++].held = j - i;
            i = j;
        }
    }
    /* each one but M holds its link once; a link that is not listed (an array between a view of
       a sealed array and M) is appended, up to the room left */
    Py_ssize_t total = distinct, room = 2 * cap, m_held = 0;
    for (Py_ssize_t i = 0; i < total && !elsewhere; i++) {
        if (nodes[i].obj == m) {
            continue;
        }
        PyObject *p = memory_link(nodes[i].obj);
        if (p == m) {
            m_held++;
            continue;
        }
        if (p == NULL || Py_TYPE(p) != &PyArray_Type) {
            elsewhere = 1;
            break;
        }
        HeldNode key = {p, 0};
        HeldNode *found = bsearch(&key, nodes, distinct, sizeof(HeldNode), compare_nodes);
        for (Py_ssize_t k = distinct; found == NULL && k < total; k++) {
            if (nodes[k].obj == p) {
                found = &nodes[k];
            }
        }
        if (found != NULL) {
            found->held++;
        }
        else if (total < room) {
            nodes[total].obj = p;
            nodes[total++].held = 1;
        }
        else {
            elsewhere = 1;
        }
    }
    for (Py_ssize_t i = 0; i < total && !elsewhere; i++) {
        if (nodes[i].obj == m) {
            m_held += nodes[i].held;
        }
        else {
            elsewhere = Py_REFCNT(nodes[i].obj) != nodes[i].held;
        }
    }
    elsewhere = elsewhere || Py_REFCNT(m) != m_held;
    PyMem_Free(nodes);
    return elsewhere;
}

/* sharing(view, key): who else can see the bytes that writing `view[key]` (key None: the whole
   View) changes? True when an ndarray outside safearray's own bookkeeping does (one handed out,
   a NumPy view a library made, the caller's own ndarray); otherwise `(holders, views)`: how many
   references to the owner exist besides its Views' (names, containers, attributes), and the
   other live Views of the same owner whose bytes may overlap (bounds only). */
static PyObject *
sharing(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || Py_TYPE(args[0]) != View_Type || ((ArrayBaseObject *)args[0])->a == NULL) {
        PyErr_SetString(PyExc_TypeError, "sharing(view, key) needs a View");
        return NULL;
    }
    ArrayBaseObject *v = (ArrayBaseObject *)args[0];
    PyObject *key = args[1];
    char *lo, *hi;
    written_bounds(v->a, key, &lo, &hi);
    PyObject *base = v->base;
    if (!PyObject_TypeCheck(base, &ArrayBase_Type)) {
        /* memory of the caller's ndarray or buffer: shared unless this View is all that holds it */
        Py_ssize_t held = (v->src == base) + 1 + (v->a == base);
        PyObject *ab = PyArray_BASE((PyArrayObject *)v->a);
        held += ab == base;
        int alone = Py_REFCNT(base) == held && (v->a == base || Py_REFCNT(v->a) == 1);
        if (alone && v->src != base && v->src != v->a) {
            alone = 0;
        }
        if (!alone) {
            Py_RETURN_TRUE;
        }
        return Py_BuildValue("(n[])", (Py_ssize_t)0);
    }
    ArrayBaseObject *owner = (ArrayBaseObject *)base;
    if (v->slot1 == 0 || owner->a == NULL) {
        Py_RETURN_TRUE;
    }
    Py_ssize_t held = 0;
    for (Py_ssize_t i = 0; i < owner->nviews; i++) {
        ArrayBaseObject *w = owner->views[i];
        held += (w->base == base) + (w->src == base);
    }
    Py_ssize_t outside = Py_REFCNT(base) - held;
    if (memory_held_elsewhere(owner)) {
        Py_RETURN_TRUE;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    if (hi <= lo) {
        return Py_BuildValue("(nN)", outside, out);
    }
    for (Py_ssize_t i = 0; i < owner->nviews; i++) {
        ArrayBaseObject *w = owner->views[i];
        char *wlo, *whi;
        if (w == v) {
            continue;
        }
        byte_bounds((PyArrayObject *)w->a, &wlo, &whi);
        if (wlo < hi && lo < whi && PyList_Append(out, (PyObject *)w) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return Py_BuildValue("(nN)", outside, out);
}

/* views_of(owner): the live Views registered with the owner (for tests and diagnostics). */
static PyObject *
views_of(PyObject *module, PyObject *owner)
{
    if (!PyObject_TypeCheck(owner, &ArrayBase_Type)) {
        PyErr_SetString(PyExc_TypeError, "views_of() needs a tagged array");
        return NULL;
    }
    ArrayBaseObject *o = (ArrayBaseObject *)owner;
    /* the list is made first: its allocation may run a garbage collection that frees Views of
       this registry; appending allocates no object */
    PyObject *out = PyList_New(0);
    if (out == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < o->nviews; i++) {
        if (PyList_Append(out, (PyObject *)o->views[i]) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    return out;
}

/* is_temporary_probe(obj): the compiled core's test of a temporary, for the import self-test
   (it is only meaningful called straight from the interpreter, as the self-test does). */
static PyObject *
temporaries_by(PyObject *module, PyObject *unused)
{
    return PyUnicode_FromString(TEMPORARIES_BY);
}

static PyObject *
root(PyObject *module, PyObject *a)
{
    if (!PyArray_Check(a)) {
        PyErr_SetString(PyExc_TypeError, "root() needs an ndarray");
        return NULL;
    }
    PyObject *r = root_of((PyArrayObject *)a);
    Py_INCREF(r);
    return r;
}

/* ------------------------------------------------------------------------------------ */
/* sealed ndarrays: read-only for good */

/* The owner NumPy sees of a sealed ndarray: it holds what keeps the bytes alive, shows
   nothing of it, and offers no buffer, so NumPy never lets the writeable flag of an array
   over it be set back (its _IsWriteable finds no writable array or buffer in the chain). */
typedef struct {
    PyObject_HEAD
    PyObject *keep; /* the sealed array's NumPy base (or the array itself when it has none) */
} ReadOnlyMemoryObject;

static int
ReadOnlyMemory_traverse(ReadOnlyMemoryObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->keep);
    return 0;
}

static int
ReadOnlyMemory_clear(ReadOnlyMemoryObject *self)
{
    Py_CLEAR(self->keep);
    return 0;
}

static void
ReadOnlyMemory_dealloc(ReadOnlyMemoryObject *self)
{
    PyObject_GC_UnTrack(self);
    Py_CLEAR(self->keep);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyTypeObject ReadOnlyMemory_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "safearray._speedups.ReadOnlyMemory",
    .tp_basicsize = sizeof(ReadOnlyMemoryObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The memory of a read-only safearray array, as NumPy sees its owner: it cannot "
              "be written nor made writable.",
    .tp_traverse = (traverseproc)ReadOnlyMemory_traverse,
    .tp_clear = (inquiry)ReadOnlyMemory_clear,
    .tp_dealloc = (destructor)ReadOnlyMemory_dealloc,
};

/* seal(a): a read-only ndarray over a's bytes (same dtype, shape, strides) whose NumPy base is
   a ReadOnlyMemory holding a's base (or a): it can never be made writable. */
static PyObject *
seal(PyObject *module, PyObject *a)
{
    if (!PyArray_Check(a)) {
        PyErr_SetString(PyExc_TypeError, "seal() needs an ndarray");
        return NULL;
    }
    PyArrayObject *arr = (PyArrayObject *)a;
    PyObject *keep = PyArray_BASE(arr) != NULL ? PyArray_BASE(arr) : a;
    ReadOnlyMemoryObject *h = PyObject_GC_New(ReadOnlyMemoryObject, &ReadOnlyMemory_Type);
    if (h == NULL) {
        return NULL;
    }
    Py_INCREF(keep);
    h->keep = keep;
    PyObject_GC_Track((PyObject *)h);
    PyArray_Descr *descr = PyArray_DESCR(arr);
    Py_INCREF(descr);
    PyObject *r = PyArray_NewFromDescr(&PyArray_Type, descr, PyArray_NDIM(arr), PyArray_DIMS(arr),
                                       PyArray_STRIDES(arr), PyArray_DATA(arr), 0, NULL);
    if (r == NULL) {
        Py_DECREF(h);
        return NULL;
    }
    if (PyArray_SetBaseObject((PyArrayObject *)r, (PyObject *)h) < 0) { /* steals h */
        Py_DECREF(r);
        return NULL;
    }
    return r;
}

/* The object through which the ndarray x holds its bytes, for memory_held_elsewhere: its NumPy
   base, or, for a sealed array whose ReadOnlyMemory nothing else holds, what that one keeps. */
static PyObject *
memory_link(PyObject *x)
{
    PyObject *b = PyArray_BASE((PyArrayObject *)x);
    if (b != NULL && Py_TYPE(b) == &ReadOnlyMemory_Type && Py_REFCNT(b) == 1) {
        return ((ReadOnlyMemoryObject *)b)->keep;
    }
    return b;
}

static PyObject *
set_interface_holder(PyObject *module, PyObject *type)
{
    if (!PyType_Check(type)) {
        PyErr_SetString(PyExc_TypeError, "set_interface_holder() needs a type");
        return NULL;
    }
    Py_INCREF(type);
    Py_XSETREF(InterfaceHolder_Type, (PyTypeObject *)type);
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"configure", configure, METH_VARARGS, "configure(View, Copy, wrap_other, ndarray_name)"},
    {"new_copy", new_copy, METH_O, "new_copy(a): a Copy holding the ndarray a"},
    {"new_view", (PyCFunction)(void (*)(void))new_view, METH_FASTCALL,
     "new_view(r, src, op): a View of r made by op from the tagged array src"},
    {"new_view_raw", (PyCFunction)(void (*)(void))new_view_raw, METH_FASTCALL,
     "new_view_raw(r, owner, src, op): a View of memory owned by a raw ndarray or buffer"},
    {"wrap1", (PyCFunction)(void (*)(void))wrap1, METH_FASTCALL,
     "wrap1(r, src, op): tag the result r of op on the tagged array src"},
    {"unwrap", (PyCFunction)(void (*)(void))unwrap_function, METH_FASTCALL,
     "unwrap(obj, srcs): obj with tagged arrays replaced by ndarrays; arrays met go to srcs"},
    {"wrap", (PyCFunction)(void (*)(void))wrap_function, METH_FASTCALL,
     "wrap(r, srcs, op): tag the arrays in the result r of op on the arrays in srcs"},
    {"configure_writes", configure_writes, METH_VARARGS,
     "configure_writes(judged_setitem, judged_inplace, readonly_error)"},
    {"set_array_callers", set_array_callers, METH_O,
     "set_array_callers(prefixes): the modules whose code sees x.__class__ as numpy.ndarray."},
    {"configure_stale", configure_stale, METH_VARARGS,
     "configure_stale(wrote, stale_source, stale_read): the judge of stale Views"},
    {"configure_functions", configure_functions, METH_VARARGS,
     "configure_functions(labels, ufunc_call, writes_into): the Python halves of TaggedFunction and UfuncBase"},
    {"configure_export", configure_export, METH_VARARGS,
     "configure_export(block_mode, policy_module): what the compiled __array__ reads the policy from"},
    {"set_dispatch_temp", set_dispatch_temp, METH_O,
     "set_dispatch_temp(n): the reference count of a temporary Copy seen by __array_function__"},
    {"enable_vectorcall", enable_vectorcall, METH_O,
     "enable_vectorcall(cls): calls of cls's instances go straight to UfuncBase's call"},
    {"any_stale", any_stale, METH_O, "any_stale(arrays): whether a tagged array of the list is stale"},
    {"others_see", others_see, METH_O,
     "others_see(x): whether other live Views of x's memory exist"},
    {"set_stale_reads", set_stale_reads, METH_O,
     "set_stale_reads(flag): whether the general check of stale reads may be on somewhere"},
    {"record", record, METH_O,
     "record(flag): start/stop recording write refcounts (calibration); returns the last one"},
    {"set_temporaries", set_temporaries, METH_VARARGS,
     "set_temporaries(setitem, inplace): refcounts that mark a temporary at each write site"},
    {"root", root, METH_O, "root(a): the object that owns the memory of the ndarray a"},
    {"set_interface_holder", set_interface_holder, METH_O,
     "set_interface_holder(type): the type of NumPy's stride tricks' holder of a viewed array"},
    {"set_adoption", set_adoption, METH_O,
     "set_adoption(flag): whether results of temporaries may own their memory"},
    {"sharing", (PyCFunction)(void (*)(void))sharing, METH_FASTCALL,
     "sharing(view, key): True, or the other live Views whose bytes may overlap the write"},
    {"views_of", views_of, METH_O, "views_of(owner): the live Views of a tagged owner"},
    {"seal", seal, METH_O,
     "seal(a): a read-only ndarray over a's bytes that can never be made writable"},
    {"temporaries_by", temporaries_by, METH_NOARGS,
     "temporaries_by(): how the compiled core recognises a temporary on this interpreter"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef speedups_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "safearray._speedups",
    .m_doc = "Compiled hot core of safearray (optional).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    import_array();
    struct {
        const char *name;
        PyTypeObject *type;
    } types[] = {
        {"ArrayBase", &ArrayBase_Type},
        {"TaggedMethod", &TaggedMethod_Type},
        {"TaggedAttribute", &TaggedAttribute_Type},
        {"FastAsarray", &FastAsarray_Type},
        {"ReadOnlyMemory", &ReadOnlyMemory_Type},
        {"ItemIterator", &ItemIter_Type},
        {"TaggedFunction", &TaggedFunction_Type},
        {"UfuncBase", &Ufunc_Type},
        {"ArrayUfunc", &ArrayUfunc_Type},
        {"ArrayFunction", &ArrayFunction_Type},
        {"ArrayExport", &ArrayExport_Type},
        {"UfuncMethod", &UfuncMethod_Type},
    };
    array_callers = PyTuple_New(0);  /* until _array.py gives _ARRAY_CALLERS */
    name_key = PyUnicode_InternFromString("__name__");
    safearray_prefix = PyUnicode_InternFromString("safearray.");
    base_name = PyUnicode_InternFromString("base");
    out_name = PyUnicode_InternFromString("out");
    order_k = PyUnicode_InternFromString("K");
    allow_s = PyUnicode_InternFromString("allow");
    warn_s = PyUnicode_InternFromString("warn");
    const char *kwname[3] = {"dtype", "order", "copy"};
    for (int which = 1; which < 8; which++) {
        PyObject *names = PyTuple_New((which & 1) + ((which >> 1) & 1) + ((which >> 2) & 1));
        if (names == NULL) {
            return NULL;
        }
        for (int bit = 0, k = 0; bit < 3; bit++) {
            if (which & (1 << bit)) {
                PyObject *name = PyUnicode_InternFromString(kwname[bit]);
                if (name == NULL) {
                    Py_DECREF(names);
                    return NULL;
                }
                PyTuple_SET_ITEM(names, k++, name);
            }
        }
        array_kwnames[which] = names;
    }
    PyObject *numpy = PyImport_ImportModule("numpy");
    np_array = numpy == NULL ? NULL : PyObject_GetAttrString(numpy, "array");
    PyObject *add = numpy == NULL ? NULL : PyObject_GetAttrString(numpy, "add");
    np_ufunc_type = add == NULL ? NULL : Py_TYPE(add);
    Py_XDECREF(add);
    Py_XDECREF(numpy);
    ufunc_info = PyDict_New();
    function_info = PyDict_New();
    call_name = PyUnicode_InternFromString("__call__");
    numpy_prefix = PyUnicode_InternFromString("numpy.");
    pandas_prefix = PyUnicode_InternFromString("pandas.");
    global_mode_name = PyUnicode_InternFromString("_global_mode");
    if (numpy_prefix == NULL || pandas_prefix == NULL || global_mode_name == NULL) {
        return NULL;
    }
    if (ufunc_info == NULL || function_info == NULL || call_name == NULL || np_ufunc_type == NULL) {
        return NULL;
    }
    if (out_name == NULL || order_k == NULL || allow_s == NULL || warn_s == NULL || np_array == NULL) {
        return NULL;
    }
    if (array_callers == NULL || name_key == NULL || safearray_prefix == NULL || base_name == NULL) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&speedups_module);
    if (m == NULL) {
        return NULL;
    }
#ifdef Py_GIL_DISABLED
    /* the owners' registries of Views and the reference-count judgements need the GIL */
    PyUnstable_Module_SetGIL(m, Py_MOD_GIL_USED);
#endif
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (PyType_Ready(types[i].type) < 0) {
            Py_DECREF(m);
            return NULL;
        }
        Py_INCREF(types[i].type);
        if (PyModule_AddObject(m, types[i].name, (PyObject *)types[i].type) < 0) {
            Py_DECREF(types[i].type);
            Py_DECREF(m);
            return NULL;
        }
    }
    return m;
}
