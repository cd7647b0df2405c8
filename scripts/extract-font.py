#!/usr/bin/python3
"""Writes the Simplified Chinese face of Debian's Noto Sans CJK collection as one OpenType
font (what the Windows and macOS builds ship beside their binaries). Uses fontTools
(Debian's python3-fonttools). Usage: extract-font.py OUT.otf"""
import sys

from fontTools.ttLib import TTCollection

COLLECTION = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FACE = "Noto Sans CJK SC"

fonts = TTCollection(COLLECTION).fonts
face = next(f for f in fonts if f["name"].getDebugName(4) == FACE)
face.save(sys.argv[1])
