"""`ganblend-deblend --samples K` end to end: enhancement samples add a calibrated `p_two` per group and a
`flux_err_total` that includes the enhancement spread; the flag is refused where it is not available yet."""
import subprocess
import numpy as np
import pytest
from astropy.table import Table
from ganblend.core import write_image
from ganblend.fields import simulate_mosaic


def _run(*args):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope='module')
def field(tmp_path_factory):
    d = tmp_path_factory.mktemp('samples')
    im, truth = simulate_mosaic((96, 96), n=6, seed=3, mag_range=(21.0, 23.5))
    write_image(d/'field.fits', im.data, header=im.header, wcs=im.wcs)
    return d, truth


def test_samples_columns(field):
    d, truth = field
    r = _run('ganblend-deblend', d/'field.fits', d/'plain.ecsv', '--quiet')
    assert r.returncode == 0, r.stderr[-2000:]
    r = _run('ganblend-deblend', d/'field.fits', d/'samples.ecsv', '--samples', 4, '--seed', 1, '--quiet')
    assert r.returncode == 0, r.stderr[-2000:]
    plain, cat = Table.read(d/'plain.ecsv'), Table.read(d/'samples.ecsv')
    assert len(cat) == len(plain) >= 3, (len(cat), len(plain))
    # the catalog itself is the plain one; the samples only add columns
    np.testing.assert_allclose(cat['flux'], plain['flux'])
    np.testing.assert_allclose(cat['flux_err'], plain['flux_err'])
    for c in ('p_two_raw', 'p_two', 'n_matched', 'flux_err_samples', 'flux_err_total'): assert c in cat.colnames, c
    p = np.asarray(cat['p_two'], float)
    assert np.all((p >= 0) & (p <= 1)), p
    ok = np.isfinite(np.asarray(cat['flux_err_total'], float))
    assert ok.any()
    assert np.all(np.asarray(cat['flux_err_total'])[ok] >= np.asarray(cat['flux_err'])[ok]*(1 - 1e-6))
    # same seed, same numbers
    r = _run('ganblend-deblend', d/'field.fits', d/'again.ecsv', '--samples', 4, '--seed', 1, '--quiet')
    again = Table.read(d/'again.ecsv')
    np.testing.assert_allclose(np.asarray(again['p_two'], float), p)


@pytest.mark.parametrize('extra', [('--workers', '2'), ('--tile', '64'), ('--samples', '-1')])
def test_samples_refused(field, extra):
    d, _ = field
    args = ('--samples', '4') + extra if extra[0] != '--samples' else extra
    r = _run('ganblend-deblend', d/'field.fits', d/'refused.ecsv', *args)
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1 and '--samples' in r.stderr, r.stderr
    assert not (d/'refused.ecsv').exists()
