"""End-to-end tests of `ganblend-simulate` (ganblend.data.simulate_cli): a tiny set is written, read back and used;
bad invocations fail with one line on stderr, exit status 1 and no traceback."""
import json, subprocess, sys
from pathlib import Path

import numpy as np
import pytest

from ganblend.data import load_pairs, load_meta, load_normalizer, PairDataset

def run(*args):
    return subprocess.run(['ganblend-simulate', *map(str, args)], capture_output=True, text=True, timeout=300)

def assert_one_line_error(r, *fragments):
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert 'Traceback' not in r.stderr
    assert lines[0].startswith('ganblend-simulate: error:'), lines[0]
    for f in fragments: assert f in lines[0], (f, lines[0])

@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp('sim')/'tiny'
    r = run(out, '--n', 5, '--seed', 3, '--n-workers', 0, '--shard-size', 2, '--quiet')
    assert r.returncode == 0, r.stderr
    return out, r

def test_help():
    r = run('--help')
    assert r.returncode == 0
    for opt in ('--n', '--seed', '--bands', '--n-workers', '--overwrite'): assert opt in r.stdout

def test_writes_readable_set(tiny):
    out, r = tiny
    assert 'wrote 5 pairs' in r.stdout
    assert sorted(p.name for p in out.iterdir()) == ['meta.json', 'shard_00000.safetensors', 'shard_00001.safetensors',
                                                    'shard_00002.safetensors', 'truth.ecsv']
    meta = load_meta(out)
    assert meta['n'] == 5 and meta['seed'] == 3 and meta['space_bands'] == ['hst-f775w'] and meta['ground_bands'] == ['hsc-i']
    assert 'ganblend-simulate' in meta['command']
    pairs = load_pairs(out)
    assert pairs.space.shape == (5, 1, 64, 64) and pairs.ground.shape == (5, 1, 23, 23)
    assert pairs.space.dtype == np.float32 and np.isfinite(pairs.space).all()
    assert len(pairs.truth) == 5 and 'flux_hsc-i' in pairs.truth.colnames
    # the noiseless ground stamps hold most of the true flux (flux in electrons, truth in electrons)
    ratio = pairs.ground.sum(axis=(1, 2, 3))/np.asarray(pairs.truth['flux_hsc-i'])
    assert (ratio > 0.7).all() and (ratio < 1.01).all(), ratio
    assert load_normalizer(out).scales['hsc-i'] > 0

def test_dataset_from_directory(tiny):
    out, _ = tiny
    ds = PairDataset(out, split='all', seed=0)
    it = ds[0]
    assert tuple(it['ground'].shape) == (2, 23, 23) and tuple(it['space'].shape) == (1, 64, 64)

def test_same_seed_same_set(tiny, tmp_path):
    out, _ = tiny
    r = run(tmp_path/'again', '--n', 5, '--seed', 3, '--n-workers', 2, '--quiet')
    assert r.returncode == 0, r.stderr
    a, b = load_pairs(out), load_pairs(tmp_path/'again')
    np.testing.assert_array_equal(a.space, b.space); np.testing.assert_array_equal(a.ground, b.ground)

def test_existing_outdir_refused(tiny):
    out, _ = tiny
    before = (out/'meta.json').read_text()
    r = run(out, '--n', 2, '--quiet')
    assert_one_line_error(r, str(out), 'exists already', '--overwrite')
    assert (out/'meta.json').read_text() == before

def test_overwrite(tmp_path):
    out = tmp_path/'set'
    assert run(out, '--n', 2, '--n-workers', 0, '--quiet').returncode == 0
    r = run(out, '--n', 3, '--n-workers', 0, '--quiet', '--overwrite')
    assert r.returncode == 0, r.stderr
    assert len(load_pairs(out)) == 3
    assert [p.name for p in tmp_path.iterdir()] == ['set']  # no temporary or old directory left

@pytest.mark.parametrize('args,frag', [
    (['--n', 0], '--n'),
    (['--bands', 'ultraviolet'], "--bands: 'ultraviolet'"),
    (['--n-workers', -1], '--n-workers'),
    (['--mag-min', 25, '--mag-max', 21], '--mag-min'),
])
def test_bad_options(tmp_path, args, frag):
    r = run(tmp_path/'x', *args)
    assert_one_line_error(r, frag)
    assert not (tmp_path/'x').exists()

def test_missing_parent(tmp_path):
    r = run(tmp_path/'no'/'such'/'dir', '--n', 2)
    assert_one_line_error(r, 'does not exist')

def test_outdir_is_a_file(tmp_path):
    f = tmp_path/'afile'; f.write_text('x')
    assert_one_line_error(run(f, '--n', 2), 'not a directory')

def test_bad_type_is_argparse_error(tmp_path):
    r = run(tmp_path/'x', '--n', 'many')
    assert r.returncode == 2 and 'Traceback' not in r.stderr
