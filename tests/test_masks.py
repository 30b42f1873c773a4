"""Masks in, at the I/O layer: survey-like multi-extension files (an HSC coadd, an LSST calexp) built here with astropy,
read by `ganblend.core.read_image`. Bad pixels from the MASK planes (LSST afw `MP_*` convention), non-finite data and
bad variance become NaN and are listed in `Image.mask`. The noise never sees them, and the file is never changed.

`hsc_coadd_like` and `lsst_calexp_like` are the corpus for the end-to-end tests of the later layers."""
import hashlib

import numpy as np
import pytest
from astropy.io import fits

from ganblend.core import (InputError, BAD_MASK_PLANES, read_image, image_noise, make_wcs, decode_mask)

# hscPipe coadd planes (afw defaults 0-8, then the coadd planes)
HSC_PLANES = {'BAD': 0, 'SAT': 1, 'INTRP': 2, 'CR': 3, 'EDGE': 4, 'DETECTED': 5, 'DETECTED_NEGATIVE': 6,
              'SUSPECT': 7, 'NO_DATA': 8, 'BRIGHT_OBJECT': 9, 'CLIPPED': 10, 'CROSSTALK': 11, 'INEXACT_PSF': 12,
              'REJECTED': 13, 'SENSOR_EDGE': 14, 'UNMASKEDNAN': 15}
# a Rubin calexp: the same afw defaults, then its own planes
LSST_PLANES = {'BAD': 0, 'SAT': 1, 'INTRP': 2, 'CR': 3, 'EDGE': 4, 'DETECTED': 5, 'DETECTED_NEGATIVE': 6,
               'SUSPECT': 7, 'NO_DATA': 8, 'CROSSTALK': 9, 'NOT_DEBLENDED': 10, 'UNMASKEDNAN': 11, 'VIGNETTED': 12,
               'STREAK': 13}

def _galaxies(shape, sigma, rng, n=12, flux=(200, 3000)):
    "Sky noise `sigma` plus `n` round exponential-ish galaxies (sums of two Gaussians)."
    yy, xx = np.mgrid[:shape[0], :shape[1]]
    img = rng.normal(0, sigma, shape)
    for _ in range(n):
        x0, y0 = rng.uniform(8, shape[1] - 8), rng.uniform(8, shape[0] - 8)
        f, r = rng.uniform(*flux), rng.uniform(1.2, 3.0)
        for w, s in ((0.6, r), (0.4, 2.2*r)):
            img += w*f/(2*np.pi*s**2)*np.exp(-((xx - x0)**2 + (yy - y0)**2)/(2*s**2))
    return img

def _mef(path, img, msk, var, planes, image_header, primary_header=None):
    mh = fits.Header()
    for k, v in planes.items(): mh[f'HIERARCH MP_{k}'] = v
    fits.HDUList([fits.PrimaryHDU(header=fits.Header(primary_header or {})),
                  fits.ImageHDU(img.astype(np.float32), image_header, name='IMAGE'),
                  fits.ImageHDU(msk.astype(np.int32), mh, name='MASK'),
                  fits.ImageHDU(var.astype(np.float32), name='VARIANCE')]).writeto(path)

def hsc_coadd_like(path, garbage=None, shape=(120, 160), seed=0):
    """An HSC-i coadd patch (0.168"/px, counts, FLUXMAG0): a NaN no-data stripe (NO_DATA), a saturated and
    interpolated star core (SAT|INTRP), DETECTED footprints, a BRIGHT_OBJECT region, CLIPPED and INEXACT_PSF pixels,
    one pixel of zero variance. `garbage`: a value written under every bad pixel (and in the variance under the
    MASK-bad ones) instead of NaN. Returns (image, mask, the expected bad-pixel mask)."""
    p, rng = HSC_PLANES, np.random.default_rng(seed)
    sigma = 6.0
    img = _galaxies(shape, sigma, rng)
    var = np.full(shape, sigma**2) + np.clip(img, 0, None)/5.0  # finite under the no-data stripe too
    msk = np.zeros(shape, np.int64)
    msk[:, -14:] |= 1 << p['NO_DATA']
    img[:, -14:] = np.nan
    msk[60:64, 40:44] |= 1 << p['SAT'] | 1 << p['INTRP']  # the core of a saturated star, interpolated over
    img[60:64, 40:44] = 5e4
    msk[50:75, 30:55] |= 1 << p['BRIGHT_OBJECT']
    msk[img > 3*sigma] |= 1 << p['DETECTED']
    msk[10:12, 100:110] |= 1 << p['CLIPPED']
    msk[90:100, 10:20] |= 1 << p['INEXACT_PSF']
    var[30, 30] = 0.0
    bad_m = (msk & (1 << p['NO_DATA'] | 1 << p['SAT'])) > 0
    bad = bad_m.copy()
    bad[30, 30] = True
    if garbage is not None:
        img[bad] = garbage
        var[bad_m] = garbage
    ih = make_wcs(shape, 0.168, ra=150.1, dec=2.2).to_header()
    ih['BUNIT'] = 'count'
    _mef(path, img, msk, var, p, ih, {'FLUXMAG0': 63095734448.0})
    return img, msk, bad

def lsst_calexp_like(path, garbage=None, shape=(100, 140), seed=1):
    """An LSST calexp cutout (0.2"/px, nJy): an EDGE border, a NO_DATA corner (NaN), cosmic rays (CR|INTRP), a satellite
    STREAK (bad only on request), SUSPECT pixels, a VIGNETTED region. Returns (image, mask, expected bad-pixel mask)."""
    p, rng = LSST_PLANES, np.random.default_rng(seed)
    sigma = 40.0  # nJy per pixel
    img = _galaxies(shape, sigma, rng, flux=(2e3, 4e4))
    var = np.full(shape, sigma**2)
    msk = np.zeros(shape, np.int64)
    edge = np.zeros(shape, bool)
    edge[:3], edge[-3:], edge[:, :3], edge[:, -3:] = True, True, True, True
    msk[edge] |= 1 << p['EDGE']
    msk[-20:, -25:] |= 1 << p['NO_DATA']
    img[-20:, -25:] = np.nan
    for y, x in ((20, 30), (21, 30), (22, 31), (70, 90)):
        msk[y, x] |= 1 << p['CR'] | 1 << p['INTRP']
    msk[40, 5:120] |= 1 << p['STREAK']
    msk[50:52, 60:62] |= 1 << p['SUSPECT']
    msk[:15, 100:130] |= 1 << p['VIGNETTED']
    msk[img > 3*sigma] |= 1 << p['DETECTED']
    bad = (msk & (1 << p['EDGE'] | 1 << p['NO_DATA'] | 1 << p['CR'] | 1 << p['SUSPECT'])) > 0
    if garbage is not None:
        img[bad] = garbage
        var[bad] = garbage
    ih = make_wcs(shape, 0.2, ra=53.1, dec=-28.1).to_header()
    ih['BUNIT'] = 'nJy'
    _mef(path, img, msk, var, p, ih)
    return img, msk, bad

MAKERS = {'hsc': hsc_coadd_like, 'lsst': lsst_calexp_like}

@pytest.mark.parametrize('kind', MAKERS)
def test_masks_honoured(kind, tmp_path):
    img, msk, bad = MAKERS[kind](tmp_path/'in.fits')
    im = read_image(tmp_path/'in.fits')
    np.testing.assert_array_equal(im.mask, bad)
    np.testing.assert_array_equal(np.isnan(im.data), bad)
    np.testing.assert_array_equal(np.isnan(im.variance), bad)
    np.testing.assert_array_equal(im.data[~bad], img[~bad].astype(np.float32))
    np.testing.assert_array_equal(im.mask_bits, msk)
    assert im.mask_planes == (HSC_PLANES if kind == 'hsc' else LSST_PLANES)
    assert im.masked['total'] == bad.sum()
    assert all(n in im.masked for n in BAD_MASK_PLANES)  # every default plane is defined in these files

def test_units_and_scale_kept(tmp_path):
    hsc_coadd_like(tmp_path/'hsc.fits')
    lsst_calexp_like(tmp_path/'lsst.fits')
    h, l = read_image(tmp_path/'hsc.fits'), read_image(tmp_path/'lsst.fits')
    assert (h.bunit, l.bunit) == ('count', 'nJy')
    assert abs(h.pixel_scale - 0.168) < 1e-6 and abs(l.pixel_scale - 0.2) < 1e-6

def test_counts_per_reason(tmp_path):
    hsc_coadd_like(tmp_path/'hsc.fits')
    m = read_image(tmp_path/'hsc.fits').masked
    expected = (120*14, 16, 120*14, 1, 120*14 + 16 + 1)
    assert (m['NO_DATA'], m['SAT'], m['nonfinite'], m['variance'], m['total']) == expected
    lsst_calexp_like(tmp_path/'lsst.fits')
    m = read_image(tmp_path/'lsst.fits').masked
    assert m['CR'] == 4 and m['SUSPECT'] == 4 and m['NO_DATA'] == 500 and 'STREAK' not in m

@pytest.mark.parametrize('kind', MAKERS)
def test_noise_ignores_masked_pixels(kind, tmp_path):
    "Anything under the masked pixels, in the image or the variance, leaves the noise exactly as it was."
    MAKERS[kind](tmp_path/'clean.fits')
    MAKERS[kind](tmp_path/'garbage.fits', garbage=1e6)
    clean, dirty = read_image(tmp_path/'clean.fits'), read_image(tmp_path/'garbage.fits')
    np.testing.assert_array_equal(clean.mask, dirty.mask)
    np.testing.assert_array_equal(image_noise(clean), image_noise(dirty))
    for im in (clean, dirty): im.variance = None  # the robust estimate from the pixels alone
    np.testing.assert_array_equal(image_noise(clean), image_noise(dirty))

def test_user_bad_bits(tmp_path):
    img, msk, bad = lsst_calexp_like(tmp_path/'lsst.fits')
    streak = (msk & 1 << LSST_PLANES['STREAK']) > 0
    for bits in (list(BAD_MASK_PLANES) + ['STREAK'], 'bad,sat,cr,edge,suspect,no_data,streak',
                 [0, 1, 3, 4, 7, 8, 13]):
        np.testing.assert_array_equal(read_image(tmp_path/'lsst.fits', bad_bits=bits).mask, bad | streak)
    only = read_image(tmp_path/'lsst.fits', bad_bits=['NO_DATA'])
    assert only.mask.sum() == 500 and np.isfinite(only.data[20, 30])  # the cosmic ray is data again
    with pytest.raises(InputError) as e: read_image(tmp_path/'lsst.fits', bad_bits=['CR', 'SATELLITE'])
    msg = str(e.value)
    assert '\n' not in msg and msg.startswith(f"{tmp_path/'lsst.fits'}: unknown mask plane(s) 'SATELLITE'")
    assert msg.endswith('known: ' + ', '.join(LSST_PLANES))

def test_bit_numbers_come_from_the_keywords(tmp_path):
    "A file whose planes are numbered unlike afw's defaults: NO_DATA is bit 3, CR bit 8."
    shape = (40, 50)
    img = np.random.default_rng(2).normal(0, 1, shape)
    msk = np.zeros(shape, np.int32)
    msk[:, :5] = 1 << 3
    msk[20, 20] = 1 << 8
    msk[30, 30] = 1 << 5  # DETECTED
    _mef(tmp_path/'odd.fits', img, msk, np.ones(shape), {'NO_DATA': 3, 'CR': 8, 'DETECTED': 5},
         fits.Header({'PIXSCALE': 0.2}))
    im = read_image(tmp_path/'odd.fits')
    assert im.masked == {'CR': 1, 'NO_DATA': 200, 'nonfinite': 0, 'variance': 0, 'total': 201}
    assert decode_mask(im.mask_bits[20, 20], im.mask_planes) == ['CR'] and not im.mask[30, 30]

def test_file_never_changed(tmp_path):
    hsc_coadd_like(tmp_path/'hsc.fits')
    before = hashlib.sha256((tmp_path/'hsc.fits').read_bytes()).hexdigest()
    im = read_image(tmp_path/'hsc.fits')
    im.data[:] = 0
    assert hashlib.sha256((tmp_path/'hsc.fits').read_bytes()).hexdigest() == before

def test_plain_file_reads_as_before(tmp_path):
    a = np.random.default_rng(5).normal(0, 1, (30, 40)).astype(np.float32)
    a[3, 3] = np.nan
    fits.PrimaryHDU(a, header=fits.Header({'PIXSCALE': 0.168})).writeto(tmp_path/'plain.fits')
    im = read_image(tmp_path/'plain.fits', bad_bits=['NO_DATA'])  # no MASK HDU: nothing for bad_bits to select
    np.testing.assert_array_equal(im.data, a)
    assert im.mask_bits is None and im.mask_planes == {} and im.mask.sum() == 1 and im.mask[3, 3]
    assert im.masked == {'nonfinite': 1, 'total': 1}


# ---- the command line: --bad-bits and what the catalogs record
import subprocess
from astropy.table import Table


def _detect(tmp_path, name, *extra):
    out = tmp_path/f'{name}.ecsv'
    r = subprocess.run(['ganblend-detect', str(tmp_path/'coadd.fits'), str(out), '--survey', 'hsc-i', *extra],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return Table.read(out)


def test_cli_bad_bits(tmp_path):
    "Saturated pixels are masked by default and measured when the user leaves SAT out; nothing comes from no-data."
    hsc_coadd_like(tmp_path/'coadd.fits')
    near_star = lambda t: np.hypot(np.asarray(t['x']) - 41.5, np.asarray(t['y']) - 61.5).min() < 3
    default, sat_kept = _detect(tmp_path, 'default'), _detect(tmp_path, 'sat', '--bad-bits', 'NO_DATA')
    assert not near_star(default) and near_star(sat_kept)
    for t in (default, sat_kept): assert (np.asarray(t['x']) < 160 - 14 - 0.5).all()   # the no-data stripe
    assert default.meta['image'] == 'coadd.fits'                                      # the file's name, not its path
    assert default.meta['masked_pixels']['NO_DATA'] == 120*14 and default.meta['masked_pixels']['SAT'] == 16
    r = subprocess.run(['ganblend-detect', str(tmp_path/'coadd.fits'), str(tmp_path/'x.ecsv'), '--survey', 'hsc-i',
                        '--bad-bits', 'SATURATED'],
                       capture_output=True, text=True)
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1 and 'SATURATED' in r.stderr
    assert not (tmp_path/'x.ecsv').exists()


# ---- masks and no-data out: `ganblend-enhance` writes PRIMARY / IMAGE / MASK (NO_DATA, INFILLED)
import torch
from ganblend.core import mask_planes
from ganblend.models import EnhanceGAN, EnhancerConfig, save_model


@pytest.fixture(scope='module')
def tiny_model(tmp_path_factory):
    "A small random generator saved to disk: the plumbing under test does not depend on what a model has learned."
    path = tmp_path_factory.mktemp('model')/'tiny'
    torch.manual_seed(0)
    save_model(EnhanceGAN(EnhancerConfig(width=16)), path, generator_only=True)
    return path


def _enhance(*args):
    return subprocess.run(['ganblend-enhance', *map(str, args), '--quiet'], capture_output=True, text=True)


def _planes_of(path):
    "(IMAGE data, NO_DATA bool, INFILLED bool, the three HDUs' names, PRIMARY header, IMAGE header, MASK dtype)."
    with fits.open(path) as h:
        planes, m = mask_planes(h['MASK'].header), h['MASK'].data
        nd, inf = (m >> planes['NO_DATA'] & 1) > 0, (m >> planes['INFILLED'] & 1) > 0
        assert h[0].data is None
        return (h['IMAGE'].data.copy(), nd, inf, [x.name for x in h], h[0].header.copy(), h['IMAGE'].header.copy(),
                m.dtype)


def test_enhance_cli_hsc_masks_out(tiny_model, tmp_path):
    "An HSC coadd: every space pixel over the no-data stripe is NO_DATA (NaN with --no-infill); units and masks kept."
    hsc_coadd_like(tmp_path/'coadd.fits')
    for out, extra in (('out.fits', ()), ('nan.fits', ('--no-infill',))):
        r = _enhance(tmp_path/'coadd.fits', tmp_path/out, '--model', tiny_model, *extra)
        assert r.returncode == 0, r.stderr
    filled, nd, inf, names, ph, ih, dtype = _planes_of(tmp_path/'out.fits')
    assert names == ['PRIMARY', 'IMAGE', 'MASK'] and dtype.name == 'int32'
    assert ph['FLUXMAG0'] == 63095734448.0 and ih['BUNIT'] == 'count' and ph['GB_INFIL'] is True
    H, W = filled.shape
    assert (H, W) == (336, 448) and nd.shape == (H, W)
    # space columns over the stripe (ground x >= 145.5): wholly inside it, and touching it
    centre = (np.arange(W) - (W - 1)/2)/2.8 + (160 - 1)/2
    inside, touching = centre - 0.5/2.8 >= 145.5, centre + 0.5/2.8 > 145.5
    assert nd[:, inside].all()                         # 100% of the space pixels over the stripe
    np.testing.assert_array_equal(nd.all(0), touching)
    assert nd[85, 85] and nd[:, ~touching].sum() <= 16   # the zero-variance ground pixel (30, 30), nothing else
    assert inf[nd].all() and inf[173, 117] and not nd[173, 117]  # the saturated star: in-filled, but observed
    assert np.isfinite(filled).all()
    nan = fits.getdata(tmp_path/'nan.fits', 'IMAGE')
    np.testing.assert_array_equal(np.isnan(nan), nd)
    np.testing.assert_array_equal(nan[~nd], filled[~nd])
    assert fits.getheader(tmp_path/'nan.fits')['GB_INFIL'] is False
    back = read_image(tmp_path/'out.fits')              # our own reader: NO_DATA is bad, INFILLED is not
    np.testing.assert_array_equal(back.mask, nd)
    np.testing.assert_array_equal(back.nodata, nd)
    assert back.bunit == 'count' and abs(back.pixel_scale - 0.06) < 1e-6 and back.masked['NO_DATA'] == nd.sum()
    np.testing.assert_array_equal(read_image(tmp_path/'out.fits', bad_bits='NO_DATA,INFILLED').mask, inf)
    # written atomically: nothing half-written is left, and an existing output is never touched
    assert sorted(p.name for p in tmp_path.iterdir()) == ['coadd.fits', 'nan.fits', 'out.fits']
    before = hashlib.sha256((tmp_path/'out.fits').read_bytes()).hexdigest()
    r = _enhance(tmp_path/'coadd.fits', tmp_path/'out.fits', '--model', tiny_model)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and 'exists already' in r.stderr
    assert hashlib.sha256((tmp_path/'out.fits').read_bytes()).hexdigest() == before


def test_enhance_cli_lsst_resampled(tiny_model, tmp_path):
    "An LSST calexp (0.2\"/px, nJy) is resampled to the model's 0.168\"/px with a warning; its mask survives that path."
    lsst_calexp_like(tmp_path/'calexp.fits')
    (tmp_path/'out').mkdir()
    r = _enhance('--batch', tmp_path/'calexp.fits', '--outdir', tmp_path/'out', '--model', tiny_model, '--no-infill')
    assert r.returncode == 0, r.stderr
    assert 'resampled' in r.stderr
    assert sorted(p.name for p in (tmp_path/'out').iterdir()) == ['calexp.enhanced.fits']
    img, nd, inf, names, ph, ih, _ = _planes_of(tmp_path/'out'/'calexp.enhanced.fits')
    assert names == ['PRIMARY', 'IMAGE', 'MASK'] and ih['BUNIT'] == 'nJy' and abs(ph['GB_INPIX'] - 0.2) < 1e-6
    H, W = img.shape
    assert (H, W) == (333, 468)
    # the NO_DATA corner (ground y >= 79.5, x >= 114.5 at 0.2"/px) is at y >= 266, x >= 383.5 on the 0.06"/px grid
    r0, c0 = (H - 1)/2 + (79.5 - 49.5)*0.2/0.06, (W - 1)/2 + (114.5 - 69.5)*0.2/0.06
    assert abs(r0 - 266) < 1e-6 and abs(c0 - 383.5) < 1e-6
    assert nd[267:, 384:].all()                          # every space pixel over the corner
    assert not nd[:262].any() and not nd[:, :380].any()  # dilated by at most one model pixel (2.8) and one space pixel
    np.testing.assert_array_equal(np.isnan(img), nd)     # --no-infill
    assert inf[nd].all() and inf[0].all() and inf[:, 0].all() and not nd[:3, :300].any()  # EDGE: bad, not no-data
    back = read_image(tmp_path/'out'/'calexp.enhanced.fits')
    np.testing.assert_array_equal(back.mask, nd)
    assert back.bunit == 'nJy' and abs(back.pixel_scale - 0.06) < 1e-6


def test_enhance_plain_file_units_round_trip(tiny_model, tmp_path):
    "A plain one-HDU image in electrons with MAGZERO: the output is the same MEF, with an empty MASK."
    from ganblend.enhance import enhance_fits
    rng = np.random.default_rng(7)
    img = _galaxies((40, 50), 3.0, rng, n=3).astype(np.float32)
    hdr = make_wcs((40, 50), 0.168).to_header()
    hdr['BUNIT'], hdr['MAGZERO'], hdr['EXPTIME'] = 'electron', 31.2, 600.0
    fits.PrimaryHDU(img, header=hdr).writeto(tmp_path/'plain.fits')
    enhance_fits(tmp_path/'plain.fits', tmp_path/'out.fits', model=tiny_model, progress=False)
    data, nd, inf, names, ph, ih, _ = _planes_of(tmp_path/'out.fits')
    assert names == ['PRIMARY', 'IMAGE', 'MASK'] and not inf.any() and np.isfinite(data).all()
    assert (ph['BUNIT'], ph['MAGZERO'], ph['EXPTIME'], ih['BUNIT']) == ('electron', 31.2, 600.0, 'electron')
    back = read_image(tmp_path/'out.fits')
    assert back.bunit == 'electron' and not back.mask.any() and back.data.shape == (112, 140)
