"""Forms of the registry's import: upload a spreadsheet, say which column is which."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .. import imports

EXTENSIONS = (".csv", ".xlsx")
NOT_IN_FILE = ""


def _limits() -> dict:
    return {
        "size": settings.NUCLEO_MEMBER_IMPORT_MAX_BYTES // (1024 * 1024),
        "rows": f"{settings.NUCLEO_MEMBER_IMPORT_MAX_ROWS:,}".replace(",", "."),
    }


class MemberImportUploadForm(forms.Form):
    """The file, read here: a file we cannot read is refused with a message saying why,
    before anything is saved. ``cleaned_data["total_rows"]`` counts its data rows."""

    file = forms.FileField(label=_("Spreadsheet (CSV or Excel XLSX)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            _("At most %(size)s MB and %(rows)s rows. The first row holds the column names.")
            % _limits()
        )
        self.fields["file"].widget.attrs["accept"] = ",".join(EXTENSIONS)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("submit", _("Upload and continue"), css_class="btn-nucleo"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Choose a spreadsheet saved as CSV or XLSX."))
        if file.size > settings.NUCLEO_MEMBER_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it into smaller files.") % _limits()
            )
        try:
            _headers, rows = imports.read_rows(file, file.name)
        except imports.TableFileError as error:
            raise forms.ValidationError(str(error)) from None
        finally:
            file.seek(0)
        self.cleaned_data["total_rows"] = len(rows)
        return file


class MemberImportMappingForm(forms.Form):
    """One choice per field of the registry: the column of the file that holds it."""

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
        self.fields["first_name"].error_messages["required"] = _(
            "Choose the column with the first names: every person needs one."
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Check the file"), css_class="btn-nucleo"))

    def clean(self):
        cleaned = super().clean()
        mapping = {
            field.key: cleaned[field.key]
            for field in imports.FIELDS
            if cleaned.get(field.key, NOT_IN_FILE) != NOT_IN_FILE
        }
        used: dict[str, str] = {}
        for key, column in mapping.items():
            if column in used:
                self.add_error(
                    key,
                    _("The column “%(column)s” is already chosen for “%(field)s”.")
                    % {"column": column, "field": imports.FIELDS_BY_KEY[used[column]].label},
                )
            used.setdefault(column, key)
        cleaned["mapping"] = mapping
        return cleaned
