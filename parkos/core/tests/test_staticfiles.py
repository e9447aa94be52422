"""The production static files storage compresses with a brotli quality a deployment can wait for."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli

from parkos.core.staticfiles import BROTLI_QUALITY, CompressedManifestStorage


def test_brotli_and_gzip_copies_decompress_to_the_file(tmp_path: Path) -> None:
    source = tmp_path / "app.js"
    source.write_text("function parkos() { return '园区运营平台'; }\n" * 500, encoding="utf-8")
    compressor = CompressedManifestStorage(location=tmp_path).create_compressor(quiet=True)

    written = compressor.compress(str(source))

    assert sorted(Path(name).suffix for name in written) == [".br", ".gz"]
    assert brotli.decompress((tmp_path / "app.js.br").read_bytes()) == source.read_bytes()
    assert gzip.decompress((tmp_path / "app.js.gz").read_bytes()) == source.read_bytes()


def test_the_quality_is_below_brotlis_slowest() -> None:
    data = b"parkos " * 10_000
    assert BROTLI_QUALITY < 11
    assert CompressedManifestStorage().create_compressor(quiet=True).compress_brotli(data) == brotli.compress(
        data, quality=BROTLI_QUALITY
    )
