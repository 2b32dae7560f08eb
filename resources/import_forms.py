"""Forms of the imports: upload a file, say which column is which, start."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from . import imports
from .models import ImportJob

EXTENSIONS = {
    ImportJob.Kind.SPREADSHEET: (".csv", ".xlsx"),
    ImportJob.Kind.HSDS: (".zip",),
}


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of file is it?"),
        choices=[
            (ImportJob.Kind.SPREADSHEET, _("Our spreadsheet (CSV or Excel XLSX)")),
            (ImportJob.Kind.HSDS, _("HSDS data package (.zip) from another directory")),
        ],
        initial=ImportJob.Kind.SPREADSHEET,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("At most 5 MB and 20,000 rows. The first row holds the column names."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("submit", _("Upload and continue")))

    def clean(self):
        cleaned = super().clean()
        file, kind = cleaned.get("file"), cleaned.get("kind")
        if not file or not kind:
            return cleaned
        name = file.name.lower()
        if not name.endswith(EXTENSIONS[kind]):
            message = (
                _("Choose a spreadsheet saved as CSV or XLSX.")
                if kind == ImportJob.Kind.SPREADSHEET
                else _("An HSDS data package is a .zip file.")
            )
            self.add_error("file", message)
            return cleaned
        if file.size > imports.MAX_BYTES:
            self.add_error("file", _("The file is larger than 5 MB."))
            return cleaned
        # Read it now: a file we cannot read is refused here, before anything is saved.
        try:
            if kind == ImportJob.Kind.SPREADSHEET:
                _headers, rows = imports.read_rows(file, file.name)
                cleaned["total_rows"] = len(rows)
            else:
                cleaned["total_rows"] = len(imports.read_hsds_package(file))
        except imports.ImportFileError as error:
            self.add_error("file", str(error))
        finally:
            file.seek(0)
        return cleaned


NOT_IN_FILE = ""


class ImportMappingForm(forms.Form):
    """One choice per field of ours: the column of the file that holds it."""

    def __init__(self, *args, headers: list[str], sample: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_FILE, _("— not in the file —"))]
        for header in headers:
            example = Truncator(sample.get(header, "")).chars(30)
            label = f"{header} ({_('e.g.')} {example})" if example else header
            choices.append((header, label))
        for field in imports.FIELDS:
            self.fields[field.key] = forms.ChoiceField(
                label=field.label, choices=choices, required=field.required
            )
        self.fields["name"].error_messages["required"] = _(
            "Choose the column with the names: every service needs one."
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Check the file")))

    def clean(self):
        cleaned = super().clean()
        cleaned["mapping"] = {
            field.key: cleaned[field.key]
            for field in imports.FIELDS
            if cleaned.get(field.key, NOT_IN_FILE) != NOT_IN_FILE
        }
        return cleaned


class ImportStartForm(forms.Form):
    only_valid_rows = forms.BooleanField(required=False)
