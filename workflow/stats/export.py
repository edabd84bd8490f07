"""Tables as files: XLSX (openpyxl: one sheet per table, the office letterhead in the first rows,
a styled and frozen header row, number formats, column widths) and CSV (one file; tables one after
another, each under its title)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..i18n import gettext as _
from .reports import OUTCOME_LABELS, Report, Table

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color="999999")
FORMATS = {int: "#,##0", float: "0.0"}


@dataclass
class Sheet:
    title: str  # also the sheet's name (cut to Excel's 31 characters)
    headers: list[str]
    rows: list[list]
    formats: dict | None = None  # column index -> number format, e.g. {3: "0.0"}
    sheet_name: str | None = None  # short (Excel allows 31 characters); the title otherwise


def xlsx(sheets: list[Sheet], letterhead: list[str], subtitle: str) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_name(sheet.sheet_name or sheet.title, wb.sheetnames))
        lines = [*letterhead, sheet.title, subtitle]
        for i, line in enumerate(lines, start=1):
            ws.cell(row=i, column=1, value=line).font = Font(
                bold=i <= 2 or line == sheet.title, size=12 if i <= 2 else 11
            )
        header_row = len(lines) + 2
        for col, header in enumerate(sheet.headers, start=1):
            cell = ws.cell(row=header_row, column=col, value=header)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
        for r, values in enumerate(sheet.rows, start=header_row + 1):
            for col, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=col, value=value)
                cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
                fmt = (sheet.formats or {}).get(col - 1) or FORMATS.get(type(value))
                if fmt:
                    cell.number_format = fmt
        # the header row stays in view while scrolling (and the first column, the row's name)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
        for col, header in enumerate(sheet.headers, start=1):
            longest = max(
                [len(str(header))] + [len(str(row[col - 1])) for row in sheet.rows if row[col - 1] is not None]
            )
            ws.column_dimensions[get_column_letter(col)].width = min(max(10, longest + 2), 60 if col == 1 else 24)
        ws.row_dimensions[header_row].height = 32
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_name(title: str, taken: list[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31]
    while name in taken:
        name = name[:28] + f" {len(taken)}"
    return name


def csv_text(sheets: list[Sheet], subtitle: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for i, sheet in enumerate(sheets):
        if len(sheets) > 1:
            if i:
                writer.writerow([])
            writer.writerow([sheet.title, subtitle])
        writer.writerow(sheet.headers)
        writer.writerows([["" if v is None else v for v in row] for row in sheet.rows])
    return out.getvalue()


def report_headers(table: Table) -> list[str]:
    return [
        str(table.key_label),
        _("Diterima"),
        _("Dikembalikan untuk dilengkapi (berkas)"),
        _("Dikembalikan (kali)"),
        *(str(OUTCOME_LABELS[o]) for o in table.outcomes),
        _("Selesai"),
        _("Ditarik"),
        _("Median hari kerja"),
        _("Persentil 90 hari kerja"),
        _("Persentase tepat waktu"),
    ]


def report_row(table: Table, row) -> list:
    return [
        str(row.label),
        row.received,
        row.returned,
        row.rounds,
        *(row.outcomes.get(o, 0) for o in table.outcomes),
        row.concluded,
        row.withdrawn,
        row.median,
        row.p90,
        row.on_time_rate,
    ]


def report_sheets(report: Report) -> list[Sheet]:
    sheets = []
    for table in report.tables:
        rows = [report_row(table, r) for r in table.rows]
        total = report_row(table, table.total)
        if table.name != "services":
            # a total's median is not a sum of medians: the harmonisation's own
            total[-3:] = [report.overall.median, report.overall.p90, report.overall.on_time_rate]
        else:
            total[-3:] = [None, None, table.total.on_time_rate]
        rows.append(total)
        n = len(rows[0])
        sheets.append(
            Sheet(
                str(table.title),
                report_headers(table),
                rows,
                {n - 3: "0.0", n - 2: "#,##0", n - 1: "0.0"},
                sheet_name=str(table.key_label),
            )
        )
    return sheets


def subtitle(report: Report) -> str:
    return _(
        "Periode: %(label)s (%(start)s s.d. %(end)s)",
        label=report.period.label,
        start=report.period.start.isoformat(),
        end=report.period.end.isoformat(),
    )
