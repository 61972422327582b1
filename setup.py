# -*- coding: utf-8 -*-
"""Packaging of ckanext-satudata.

The schemas and translations live at the top of the repository (``schemas/``,
``i18n/``) as the product card lays it out; the package reaches them through
the symlinks ``ckanext/satudata/schemas`` and ``ckanext/satudata/i18n``, which
setuptools follows, so a built wheel carries real copies of the files.
"""
from setuptools import setup

setup()
