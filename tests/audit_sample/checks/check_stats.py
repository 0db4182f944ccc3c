import numpy as np

from audit_pkg import clean, stats


def check_clean():
    assert clean.summary(12)[-1] == 16.5


def check_center():
    data = np.arange(6.0)
    stats.center_head(data)
    assert data[4] == 4.0


def check_center_again():
    data = np.arange(8.0)
    stats.center_head(data)
    assert data[7] == 7.0


def check_clip():
    stats.clip_selected(np.array([-1.0, 1.0]))


def check_scale():
    stats.scale_in_place(np.ones(2))
