"""One catalog schema for band cubes: `ganblend-deblend` and `ganblend-photometry` on the same 5-band cube give the same
per-band columns (flux_<k>, flux_err_<k>, flag_<k>), the reference band in `flux`/`flux_err`/`flag`, the flux unit of
the input on every flux column, and the input's file name (not its path) in the metadata."""
import subprocess
import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table
from ganblend.core import make_wcs


def _cube(path, n=64, bands=5, seed=0):
    "A 5-band cube with three round galaxies, white noise, a WCS at 0.168\"/px, BUNIT nJy and a 0.7\" PSF FWHM."
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:n, :n]
    img = np.zeros((bands, n, n), np.float32)
    for x0, y0, f in ((20, 22, 4000.), (40, 38, 2500.), (46, 16, 1500.)):
        g = np.exp(-((xx - x0)**2 + (yy - y0)**2)/(2*2.5**2))
        img += (f*g/g.sum()*np.linspace(0.6, 1.4, bands)[:, None, None]).astype(np.float32)
    img += rng.normal(0, 3.0, img.shape).astype(np.float32)
    hdr = make_wcs((n, n), 0.168).to_header()
    hdr['BUNIT'] = 'nJy'
    hdr['PSF_FWHM'] = (0.7, 'arcsec')
    fits.PrimaryHDU(img, hdr).writeto(path)
    return path


def _run(*args):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope='module')
def catalogs(tmp_path_factory):
    d = tmp_path_factory.mktemp('schema')
    cube = _cube(d/'cube.fits')
    r = _run('ganblend-deblend', cube, d/'deblend.ecsv', '--model', 'hsc-grizy', '--quiet')
    assert r.returncode == 0, r.stderr[-2000:]
    deb = Table.read(d/'deblend.ecsv')
    assert len(deb) >= 2, deb
    r = _run('ganblend-photometry', cube, d/'deblend.ecsv', d/'phot.ecsv', '--ref-band', str(deb.meta['ref_band']))
    assert r.returncode == 0, r.stderr[-2000:]
    return deb, Table.read(d/'phot.ecsv'), d


def test_same_band_columns(catalogs):
    deb, phot, _ = catalogs
    want = ['flux', 'flux_err', 'flag'] + [f'{c}_{k}' for k in range(5) for c in ('flux', 'flux_err', 'flag')]
    for t in (deb, phot):
        assert set(want) <= set(t.colnames), t.colnames
        assert all(t[c].ndim == 1 for c in want)
        assert all(str(t[c].unit) == 'nJy' for c in want if c.startswith('flux'))
    k = deb.meta['ref_band']
    assert deb.meta['bands'][k] == 'hsc-i'
    np.testing.assert_array_equal(deb['flux'], deb[f'flux_{k}'])


def test_forced_fluxes_agree(catalogs):
    "Same positions, same reference band: the two commands' per-band fluxes of the bright sources agree within errors."
    deb, phot, _ = catalogs
    for k in range(5):
        f1, f2, e = (np.asarray(deb[f'flux_{k}']), np.asarray(phot[f'flux_{k}']), np.asarray(deb[f'flux_err_{k}']))
        ok = np.isfinite(f1) & np.isfinite(f2) & (f1 > 3*e)
        assert ok.any()
        assert np.all(abs(f1 - f2)[ok] < 3*e[ok] + 0.05*abs(f1[ok])), (k, f1, f2, e)


def test_file_name_not_path(catalogs):
    deb, _, d = catalogs
    assert deb.meta['source'] == 'cube.fits'
    assert str(d) not in str(dict(deb.meta))
