"""Bad-input corpus: every ganblend-* command answers bad input with one line on stderr, a non-zero exit,
no traceback, and no output file (partial or otherwise)."""
import os, shutil, subprocess, sys
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

HPS = {'PIXSCALE': 0.168}

def _img(shape=(40, 40), seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(0, 1, shape).astype(np.float32)
    yy, xx = np.mgrid[:shape[-2], :shape[-1]]
    return a + 30*np.exp(-((xx - shape[-1]/2)**2 + (yy - shape[-2]/2)**2)/8).astype(np.float32)

@pytest.fixture(scope='module')
def corpus(tmp_path_factory):
    "name -> path of a bad input file (and 'good' -> a valid one)."
    d = tmp_path_factory.mktemp('corpus'); c = {}
    def w(name, data, hdr=HPS):
        fits.PrimaryHDU(data, header=fits.Header(hdr)).writeto(d/name); c[name.split('.')[0]] = d/name
    w('good.fits', _img())
    full = d/'good.fits'
    (d/'truncated.fits').write_bytes(full.read_bytes()[:4000]); c['truncated'] = d/'truncated.fits'
    (d/'text.fits').write_text('SIMPLE? no, this is a text file\n'); c['text'] = d/'text.fits'
    (d/'empty.fits').write_bytes(b''); c['empty'] = d/'empty.fits'
    w('noscale.fits', _img(), {})
    a = _img(); a[:] = np.nan; w('allnan.fits', a)
    a = _img(); a[:] = np.inf; w('allinf.fits', a)
    w('oned.fits', _img()[0])
    w('fourd.fits', np.stack([_img((2, 20, 20))]*2))
    w('zero.fits', np.zeros((40, 40), np.float32))
    w('sixband.fits', np.stack([_img()]*6))
    hh = fits.Header({'SIMPLE': True, 'BITPIX': -32, 'NAXIS': 2, 'NAXIS1': 300_000, 'NAXIS2': 300_000, 'PIXSCALE': .168})
    (d/'huge.fits').write_bytes(hh.tostring().encode() + bytes(2880)); c['huge'] = d/'huge.fits'
    c['missing'] = d/'does_not_exist.fits'
    c['directory'] = d
    (d/'weights.safetensors').write_bytes(b'\x00\x01garbage'); c['weights'] = d/'weights.safetensors'
    (d/'weights.json').write_text('{"not": "a config"'); 
    return c

def run(*args, timeout=300):
    env = {**os.environ, 'MPLBACKEND': 'Agg'}
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, env=env)

def check_clean_error(r, out):
    assert r.returncode != 0, f"accepted bad input: {r.stdout[-500:]} {r.stderr[-500:]}"
    assert 'Traceback' not in r.stderr, r.stderr[-2000:]
    lines = [l for l in r.stderr.strip().splitlines() if l.strip() and 'Warning' not in l and not l.startswith('  ')]
    assert len(lines) == 1, r.stderr
    assert 'error' in lines[0].lower()
    assert not Path(out).exists(), f"{out} was written"
    assert not list(Path(out).parent.glob(f".{Path(out).name}*")), "a temporary file was left behind"

BAD = ['truncated', 'text', 'empty', 'noscale', 'allnan', 'allinf', 'oned', 'fourd', 'zero', 'huge', 'missing', 'directory']

def _has(cmd): return shutil.which(cmd) is not None

# commands that take one image and write one output
IMAGE_CMDS = [('ganblend-detect', '.ecsv'), ('ganblend-enhance', '.fits'), ('ganblend-deblend', '.ecsv')]

@pytest.mark.parametrize('cmd,ext', IMAGE_CMDS)
@pytest.mark.parametrize('bad', BAD)
def test_image_commands_bad_input(cmd, ext, bad, corpus, tmp_path):
    out = tmp_path/f'out{ext}'
    r = run(cmd, corpus[bad], out)
    check_clean_error(r, out)   # 'noscale' included: no command guesses a pixel scale unless --survey is given
    if bad not in ('missing', 'directory'): assert str(corpus[bad]) in r.stderr  # the message names the file

@pytest.mark.parametrize('cmd,ext', IMAGE_CMDS)
def test_pixel_scale_rule(cmd, ext, corpus, tmp_path):
    "One rule everywhere: a file without WCS or PIXSCALE is refused with the same message, and read with --survey."
    out = tmp_path/f'out{ext}'
    r = run(cmd, corpus['noscale'], out)
    assert 'has no pixel scale' in r.stderr and '--survey' in r.stderr, r.stderr[-2000:]
    r = run(cmd, corpus['noscale'], out, '--survey', 'hsc-i')
    assert r.returncode == 0 and out.exists(), r.stderr[-2000:]

def test_pixel_scale_rule_tiled(corpus, tmp_path):
    "The tiled path of ganblend-deblend (`fields.open_mosaic`) follows the same rule."
    out = tmp_path/'out.ecsv'
    r = run('ganblend-deblend', corpus['noscale'], out, '--tile', '64')
    check_clean_error(r, out)
    assert 'has no pixel scale' in r.stderr

@pytest.mark.parametrize('cmd,ext', IMAGE_CMDS)
def test_existing_output_is_kept(cmd, ext, corpus, tmp_path):
    out = tmp_path/f'out{ext}'; out.write_text('precious')
    r = run(cmd, corpus['good'], out)
    assert r.returncode != 0 and 'exists' in r.stderr and 'Traceback' not in r.stderr
    assert out.read_text() == 'precious'

@pytest.mark.parametrize('cmd,ext', IMAGE_CMDS)
def test_unwritable_output_dir(cmd, ext, corpus, tmp_path):
    out = tmp_path/'no_such_dir'/f'out{ext}'
    check_clean_error(run(cmd, corpus['good'], out), out)

def test_enhance_wrong_band_count(corpus, tmp_path):
    out = tmp_path/'out.fits'
    r = run('ganblend-enhance', corpus['sixband'], out)
    check_clean_error(r, out); assert 'band' in r.stderr

def test_enhance_corrupt_weights(corpus, tmp_path):
    out = tmp_path/'out.fits'
    r = run('ganblend-enhance', corpus['good'], out, '--model', corpus['weights'])
    check_clean_error(r, out); assert 'weights' in r.stderr

@pytest.mark.parametrize('bad', ['truncated', 'text', 'missing', 'allnan'])
def test_photometry_bad_image(bad, corpus, tmp_path):
    cat = tmp_path/'cat.ecsv'
    from astropy.table import Table
    Table({'x': [20.0], 'y': [20.0]}).write(cat)
    out = tmp_path/'phot.ecsv'
    check_clean_error(run('ganblend-photometry', corpus[bad], cat, out), out)

@pytest.mark.parametrize('content', ['not a table at all', '# %ECSV 1.0\n# ---\n# datatype:\n# - {name: a, datatype: float64}\na\n1.0\n'])
def test_photometry_bad_catalog(content, corpus, tmp_path):
    cat = tmp_path/'cat.ecsv'; cat.write_text(content)
    out = tmp_path/'phot.ecsv'
    r = run('ganblend-photometry', corpus['good'], cat, out)
    check_clean_error(r, out); assert str(cat) in r.stderr

def test_simulate_existing_outdir(tmp_path):
    out = tmp_path/'set'; out.mkdir(); (out/'keep.txt').write_text('precious')
    r = run('ganblend-simulate', out, '--n', '4')
    assert r.returncode != 0 and 'Traceback' not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert (out/'keep.txt').read_text() == 'precious'

@pytest.mark.parametrize('cmd', ['ganblend-simulate', 'ganblend-train', 'ganblend-enhance', 'ganblend-detect',
                                 'ganblend-photometry', 'ganblend-deblend', 'ganblend-evaluate', 'ganblend-demo'])
def test_help(cmd):
    r = run(cmd, '--help', timeout=120)
    assert r.returncode == 0 and 'usage' in r.stdout.lower(), r.stderr[-1000:]

@pytest.mark.parametrize('bad_xy', [(500.0, 20.0), (-3.0, 20.0), (20.0, float('nan'))])
def test_photometry_off_image_row(bad_xy, corpus, tmp_path):
    "A catalogue row off the image is kept (NaN flux, flag 4) and one warning line counts it; no traceback."
    from astropy.table import Table
    cat = tmp_path/'cat.ecsv'; out = tmp_path/'phot.ecsv'
    Table(rows=[(20.0, 20.0, 7), (*bad_xy, 8), (21.0, 19.0, 9)], names=['x', 'y', 'id'], dtype=[float, float, int]).write(cat)
    r = run('ganblend-photometry', corpus['good'], cat, out, '--survey', 'hsc-i')
    assert r.returncode == 0 and 'Traceback' not in r.stderr, r.stderr[-2000:]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('ganblend-photometry: warning:') and '1 of 3 rows' in lines[0], r.stderr
    assert str(cat) in lines[0]
    t = Table.read(out)
    assert list(t['id']) == [7, 8, 9] and list(t['flag']) == [0, 4, 0]
    assert np.isnan(t['flux'][1]) and np.isnan(t['flux_err'][1]) and np.isfinite(t['flux'][[0, 2]]).all()
    assert t.colnames[-3:] == ['x_cat', 'y_cat', 'id'] and np.array_equal(t['x_cat'], [20.0, bad_xy[0], 21.0], equal_nan=True)

def test_photometry_duplicated_row(corpus, tmp_path):
    "A catalogue row given twice: both kept, flagged 2 (coincident), NaN flux_err, the flux shared; no traceback."
    from astropy.table import Table
    cat = tmp_path/'cat.ecsv'; out = tmp_path/'phot.ecsv'; one = tmp_path/'one.ecsv'
    Table(rows=[(20.0, 20.0, 1), (20.0, 20.0, 2)], names=['x', 'y', 'id'], dtype=[float, float, int]).write(cat)
    r = run('ganblend-photometry', corpus['good'], cat, out, '--survey', 'hsc-i')
    assert r.returncode == 0 and 'Traceback' not in r.stderr and not r.stderr.strip(), r.stderr[-2000:]
    t = Table.read(out)
    assert list(t['id']) == [1, 2] and list(t['flag']) == [2, 2]
    assert np.isnan(t['flux_err']).all() and np.isfinite(t['flux']).all()
    Table(rows=[(20.0, 20.0, 1)], names=['x', 'y', 'id'], dtype=[float, float, int]).write(cat, overwrite=True)
    assert run('ganblend-photometry', corpus['good'], cat, one, '--survey', 'hsc-i').returncode == 0
    single = Table.read(one)
    assert list(single['flag']) == [0] and np.isfinite(single['flux_err'][0])
    assert abs(t['flux'].sum()/single['flux'][0] - 1) < 0.01

def test_photometry_bad_ref_band(corpus, tmp_path):
    from astropy.table import Table
    cat = tmp_path/'cat.ecsv'; Table({'x': [20.0], 'y': [20.0]}).write(cat)
    out = tmp_path/'phot.ecsv'
    r = run('ganblend-photometry', corpus['sixband'], cat, out, '--survey', 'hsc-i', '--ref-band', '6')
    check_clean_error(r, out); assert 'reference band 6' in r.stderr and str(corpus['sixband']) in r.stderr

@pytest.mark.parametrize('k,frag', [('1', 'at least 2'), ('3', 'no per-pixel error calibration')])
def test_enhance_samples_refused(k, frag, corpus, tmp_path):
    "--samples needs K ≥ 2 and a calibration for that K stored with the model; refused before any work."
    out = tmp_path/'out.fits'
    r = run('ganblend-enhance', corpus['good'], out, '--samples', k)
    check_clean_error(r, out); assert frag in r.stderr

def test_enhance_samples_variance(corpus, tmp_path):
    "--samples 8 (calibrated for the shipped model): a VARIANCE extension, finite and positive where IMAGE is."
    out = tmp_path/'out.fits'
    r = run('ganblend-enhance', corpus['good'], out, '--samples', '8', '--quiet')
    assert r.returncode == 0, r.stderr[-2000:]
    with fits.open(out) as h:
        assert [x.name for x in h] == ['PRIMARY', 'IMAGE', 'MASK', 'VARIANCE']
        v, im = h['VARIANCE'].data, h['IMAGE'].data
        assert v.shape == im.shape and h['IMAGE'].header['GB_SAMPK'] == 8
        assert (np.isfinite(v) == np.isfinite(im)).all() and (v[np.isfinite(v)] > 0).all()

def test_enhance_shift_average(corpus, tmp_path):
    "--shift-average: the same file layout, recorded in the provenance, flux within 2% of the single pass."
    outs = {}
    for flag in ([], ['--shift-average']):
        out = tmp_path/f"out{len(flag)}.fits"
        r = run('ganblend-enhance', corpus['good'], out, '--quiet', *flag)
        assert r.returncode == 0, r.stderr[-2000:]
        with fits.open(out) as h:
            assert h['IMAGE'].header['GB_SHAVG'] == bool(flag)
            outs[bool(flag)] = h['IMAGE'].data.astype(np.float64)
    assert outs[True].shape == outs[False].shape
    assert abs(outs[True].sum()/outs[False].sum() - 1) < 0.02

def test_evaluate_unknown_profile(tmp_path):
    "An unknown photometry profile is refused in one line before any simulation, and nothing is written."
    out = tmp_path/'ev'
    r = run('ganblend-evaluate', '--n', '4', '--out', out, '--profile', 'moffat', '--quiet')
    check_clean_error(r, out); assert 'moffat' in r.stderr
