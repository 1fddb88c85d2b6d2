"""Blueprints, one package per area, plus shared view helpers."""
