"""Generated documents: notices as PDF (WeasyPrint over Jinja2 templates), lists as XLSX.

Templates live in ``templates/documents/`` at the top of the project; ``base.html`` gives the
official-document layout (GB/T 9704) and ``official.css`` its look.
"""

from assistance.documents.masking import mask_id, mask_name, mask_phone
from assistance.documents.render import (
    TEMPLATE_DIR,
    CJKFontMissing,
    DocumentError,
    DocumentRenderer,
    MissingGlyphs,
    check_cjk_fonts,
    chinese_date,
    default_renderer,
    make_environment,
    money,
    money_yuan,
    render_pdf,
)
from assistance.documents.spreadsheet import write_xlsx

__all__ = [
    "TEMPLATE_DIR",
    "CJKFontMissing",
    "DocumentError",
    "DocumentRenderer",
    "MissingGlyphs",
    "check_cjk_fonts",
    "chinese_date",
    "default_renderer",
    "make_environment",
    "mask_id",
    "mask_name",
    "mask_phone",
    "money",
    "money_yuan",
    "render_pdf",
    "write_xlsx",
]
