"""Importing an existing register from a spreadsheet: upload, map the columns, check every
row, import all or nothing (see imports.job for the whole story).

    files   reading a .csv or .xlsx into a header and rows of text (xlsx: opening it safely)
    checks  the rows into households, and every problem with them
    job     the import jobs, their progress, run on the one job runner (app.jobs); the
            saving is passed in (registry.import_save: each household with its first card)
    erasure an erased person's rows taken out of the jobs not yet imported

The pages (coordinators only) are registry.import_views.
"""

from app.households.imports.job import (
    Progress,
    check_job,
    get_job,
    import_job,
    job_problems,
    job_progress,
    preview_rows,
    queue_import,
    set_mapping,
    start,
    upload,
)

__all__ = [
    "Progress",
    "check_job",
    "get_job",
    "import_job",
    "job_problems",
    "job_progress",
    "preview_rows",
    "queue_import",
    "set_mapping",
    "start",
    "upload",
]
