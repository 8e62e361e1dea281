"""Writers of files people open: spreadsheets and CSV for the dashboard (`tables`), and
reports in the Decree 30/2020/NĐ-CP layout from one model (`model`, `layout`) as DOCX
(`docx_writer`, from templates/bao-cao.docx), XLSX (`xlsx_writer`) and PDF (`pdf_writer`),
with the layout rules and their linter (`decree30_rules`, `decree30`)."""
