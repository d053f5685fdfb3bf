"""Aduan: multi-channel citizen complaint management after Jakarta's Cepat Respon Masyarakat."""
