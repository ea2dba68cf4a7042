"""City of York Council: spending over GBP 500 (Local Government Transparency Code 2015), as open data.

The raw extracts are the finance system's quarterly CSVs: headers drift between quarters ("Expenditure
Catergory", "Trans No", "caporrev"...), some are in cp1252 with a preamble and a totals row, amounts come as
"£1,534.24" or "GBP 2,332". Payees who are private individuals are redacted, as the Code requires.
"""

from __future__ import annotations

import pandas as pd

from publishers.framework import Catalogue, Column, Input, Link, Open, PublisherSpec, Rejects, Source
from publishers.framework import transforms as t

PAID = ("%d/%m/%Y", "%d/%m/%y", "%d-%b-%Y", "%d-%b-%y", "%Y-%m-%d", "%d.%m.%Y")
REDACTED = "REDACTED PERSONAL DATA"

BODY = ("Body Name", "Body_Name", "Organisation", "Client")
COLUMNS = (
    Column("body_name", BODY, required=False, default="City of York Council"),
    Column(
        "body_code", ("Body Code", "Organisation Code"), (t.local_authority(),), required=False, default="E06000014"
    ),
    Column("service_area", ("Service Area", "Organisational Unit", "Department"), required=False),
    Column(
        "expenditure_category",
        ("Expenditure Category", "Expenditure Catergory", "Expenditure Unit", "Category"),
        required=False,
        default="Not recorded",
    ),
    Column("expenditure_code", ("Expenditure Code", "Account Code"), required=False),
    Column("payment_date", ("Paid Date", "Payment Date", "Date Paid", "Date"), (t.date(*PAID),)),
    Column("transaction_number", ("Trans No", "Transaction Number", "Transaction No", "Reference")),
    Column("amount_gbp", ("Amount", "Amount (£)", "Net Amount", "Value"), (t.number(),)),
    Column("irrecoverable_vat_gbp", ("Irrecoverable VAT",), (t.number(),), required=False),
    Column(
        "capital_or_revenue",
        ("Capital or Revenue", "Type", "caporrev", "Type of Expenditure"),
        (t.recode({"capital": "Capital", "c": "Capital", "revenue": "Revenue", "r": "Revenue", "rev": "Revenue"}),),
        required=False,
    ),
    Column("supplier_id", ("Supplier ID", "Supplier Number", "Vendor ID"), required=False),
    Column("supplier_name", ("Supplier Name", "Supplier", "Payee", "Vendor Name"), (t.redact_individuals(REDACTED),)),
    Column("purpose", ("Purpose", "Description"), required=False),
    Column("merchant_category", ("Merchant Category",), required=False),
)


def redact_supplier_ids(frame: pd.DataFrame) -> pd.DataFrame:
    """A redacted payee's supplier number would point straight back at them: withhold it too."""
    frame = frame.copy()
    frame.loc[frame["supplier_name"].eq(REDACTED), "supplier_id"] = ""
    return frame


SPEC = PublisherSpec(
    name="council-spending-over-500",
    schema="spend-over-500",
    inputs=(
        Input(
            Source(
                "spending/*.csv",
                header_contains=("Amount",),
                drop_rows=((BODY, r"(?i)(grand )?total.*"), (("Supplier Name", "Supplier"), r"(?i)(grand )?total.*")),
            ),
            COLUMNS,
        ),
    ),
    release=Open(),
    rejects=Rejects("quarantine", max_share=0.1),
    derive=redact_supplier_ids,
    description="Council spending over GBP 500 (open; individuals redacted)",
    catalogue=Catalogue(
        title="Spending over £500",
        summary=(
            "Every payment over £500 the council made, as the Local Government Transparency Code 2015 requires: "
            "date, service area, category, supplier and amount. Payments to private individuals show the payee as "
            "REDACTED PERSONAL DATA."
        ),
        organization="city-of-york-council",
        frequency="quarterly",
        themes=("government-spending",),
        tags=("spending", "transparency", "finance"),
        temporal_field="payment_date",
        sources=(Link("City of York Council finance system (Agresso) quarterly extracts"),),
        contact_name="Finance Transparency Team",
        contact_email="transparency@york.example.org",
    ),
)

if __name__ == "__main__":  # pragma: no cover
    from publishers.cli import main

    main(["run", "council-spending"])
