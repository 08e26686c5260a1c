"""Correspondence (persuratan): Surat Masuk with disposition, Surat Keluar, letter monitoring."""
