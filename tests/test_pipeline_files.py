"""Realistic survey files through the whole pipeline with the shipped models: an HSC-coadd-like and an LSST-calexp-like
multi-extension file (IMAGE/MASK/VARIANCE, built in `test_masks`) through `ganblend-enhance` → `ganblend-detect` →
`ganblend-photometry` → `ganblend-deblend`. Checked: masked pixels are honoured, no source is reported with its centre
in no-data, flux units and zero points round-trip, and the enhanced image of blank sky has no pedestal."""
import subprocess

import numpy as np
import pytest
from astropy import units as u
from astropy.io import fits
from astropy.table import Table

from ganblend.core import make_wcs, get_survey, mask_planes
from test_masks import hsc_coadd_like, lsst_calexp_like, HSC_PLANES, _mef


def _run(cmd, *args):
    r = subprocess.run([cmd, *map(str, args)], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, f"{cmd}: {r.stderr[-2000:]}"
    return r


@pytest.fixture(scope='module', params=['hsc', 'lsst'])
def run(request, tmp_path_factory):
    "Every command on one survey-like file: {name: path} plus the expected no-data map and the file's unit."
    d = tmp_path_factory.mktemp(request.param)
    f = d/'in.fits'
    img, msk, bad = (hsc_coadd_like if request.param == 'hsc' else lsst_calexp_like)(f)
    nodata = (msk >> 8 & 1) > 0                          # NO_DATA is afw's bit 8 in both files
    out = dict(kind=request.param, input=f, nodata=nodata, bad=bad, unit='count' if request.param == 'hsc' else 'nJy')
    ps = 0.168 if request.param == 'hsc' else 0.2
    yy, xx = np.mgrid[-12:13, -12:13]
    psf = np.exp(-(xx**2 + yy**2)/(2*(0.7/2.355/ps)**2))            # a 0.7" Gaussian PSF image, as a user would give
    fits.PrimaryHDU((psf/psf.sum()).astype(np.float32)).writeto(d/'psf.fits')
    _run('ganblend-enhance', f, d/'enh.fits', '--quiet')
    _run('ganblend-detect', f, d/'det.ecsv', '--psf', d/'psf.fits')
    _run('ganblend-photometry', f, d/'det.ecsv', d/'phot.ecsv', '--psf', d/'psf.fits')
    _run('ganblend-deblend', f, d/'deb.ecsv', '--psf', d/'psf.fits', '--quiet')
    out.update(enh=d/'enh.fits', det=d/'det.ecsv', phot=d/'phot.ecsv', deb=d/'deb.ecsv')
    return out


def _in_nodata(t, nodata):
    "Catalog rows whose centre lies on a no-data pixel of the input."
    x, y = np.round(np.asarray(t['x'], float)).astype(int), np.round(np.asarray(t['y'], float)).astype(int)
    ok = (x >= 0) & (y >= 0) & (x < nodata.shape[1]) & (y < nodata.shape[0])
    return np.flatnonzero(ok)[nodata[y[ok], x[ok]]]


def test_no_source_in_no_data(run):
    for k in ('det', 'deb'):
        t = Table.read(run[k])
        assert len(t) > 3, (k, len(t))
        assert len(_in_nodata(t, run['nodata'])) == 0, (k, t[_in_nodata(t, run['nodata'])])


def test_units_round_trip(run):
    for k in ('det', 'phot', 'deb'):
        t = Table.read(run[k])
        assert u.Unit(t['flux'].unit) == u.Unit(run['unit']), (k, t['flux'].unit)
        assert t.meta.get('masked_pixels', {}).get('total', 0) > 0
        if run['kind'] == 'hsc': assert t.meta['flux_keywords']['FLUXMAG0'] == 63095734448.0   # the zero point
    with fits.open(run['enh']) as h:
        assert h['IMAGE'].header['BUNIT'] == run['unit']
        if run['kind'] == 'hsc': assert h[0].header['FLUXMAG0'] == 63095734448.0


def test_masks_out(run):
    "Every space pixel above a no-data ground pixel is flagged NO_DATA in the enhanced file."
    with fits.open(run['enh']) as h:
        m, planes = h['MASK'].data, mask_planes(h['MASK'].header)
        nd = (m >> planes['NO_DATA'] & 1) > 0
        ny, nx = m.shape
    gy, gx = np.nonzero(run['nodata'])
    sy, sx = ny/run['nodata'].shape[0], nx/run['nodata'].shape[1]
    cy, cx = ((gy + 0.5)*sy).astype(int), ((gx + 0.5)*sx).astype(int)   # the space pixel at each ground pixel's centre
    assert nd[cy, cx].all()


def test_blank_sky_level(tmp_path):
    """A blank HSC-like coadd (noise only, a no-data stripe): the enhanced image's mean over valid sky, in units of the
    ground σ per ground pixel (the enhanced flux over one ground pixel's area), is within ±0.02 of zero."""
    rng, shape, sigma = np.random.default_rng(5), (256, 256), 6.0
    img = rng.normal(0, sigma, shape)
    msk = np.zeros(shape, np.int64)
    msk[:, -10:] |= 1 << HSC_PLANES['NO_DATA']
    img[:, -10:] = np.nan
    ih = make_wcs(shape, 0.168).to_header()
    ih['BUNIT'] = 'count'
    _mef(tmp_path/'blank.fits', img, msk, np.full(shape, sigma**2), HSC_PLANES, ih)
    _run('ganblend-enhance', tmp_path/'blank.fits', tmp_path/'enh.fits', '--quiet')
    with fits.open(tmp_path/'enh.fits') as h:
        e, m, planes = h['IMAGE'].data, h['MASK'].data, mask_planes(h['MASK'].header)
    ok = (m >> planes['INFILLED'] & 1) == 0
    scale2 = (0.168/0.06)**2
    level = float(np.mean(e[ok]))*scale2/sigma
    assert abs(level) <= 0.02, level
