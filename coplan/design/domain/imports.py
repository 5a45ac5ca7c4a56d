"""Survey results from CSV or XLSX, one row per response, in two passes (pretix
``modelimport``): every row is validated first and errors are reported by spreadsheet row;
only a file without errors is written, in one transaction. A rejected file writes no items.

The uploaded file holds respondents' names, so it is kept only while it is needed: a file that
cannot be read is never stored, and the stored copy is deleted once the answers are imported
or the file is rejected (the import keeps its row-numbered errors to fix the file by)."""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.core.tables import MAX_UPLOAD_BYTES, ImportRejected, RowError, read_table
from coplan.core.uploads import check_upload, check_utf8_text, delete_stored, extension

from ..enums import ImportStatus, ItemKind, ItemSource
from ..models import Consent, Item, SurveyImport, Theme
from ._common import same_partnership
from .consent import SURVEY_COVERS
from .engagement import ensure_user_groups
from .items import MAX_TEXT

FORMATS = {"csv", "txt", "xlsx", "xlsm", "xls", "ods"}  # as core.tables reads them
YES = {"yes", "y", "true", "1", "agreed", "agree", "x"}
NO = {"no", "n", "false", "0", ""}


@dataclass
class Mapping:
    """Which columns hold what. Only ``text_columns`` is required."""

    text_columns: list[str]
    kind: str = ItemKind.FEEDBACK
    user_group_column: str = ""
    user_group_id: int | None = None  # every response comes from this group
    name_column: str = ""
    consent_column: str = ""
    theme_column: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "Mapping":
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in (data or {}).items() if k in known and v is not None})

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class Response:
    row: int
    answers: list[tuple[str, str]]  # (question, answer)
    user_group: str = ""
    name: str = ""
    themes: list[Theme] = field(default_factory=list)


def upload_survey(*, partnership, activity, actor, file) -> SurveyImport:
    """Keep the uploaded file and its columns until the columns are matched. A file that is
    not UTF-8 text, not what its name says, or not a readable table is refused before
    anything is stored."""
    same_partnership(activity, partnership, field="activity", what="activity")
    filename = getattr(file, "name", "") or "survey.csv"
    if extension(filename) in FORMATS:  # else read_table says "Upload a CSV or XLSX file."
        check_utf8_text(file, name=filename)
        filename = check_upload(file, allowed=FORMATS, max_bytes=MAX_UPLOAD_BYTES)
    file.seek(0)
    data = file.read()
    table = read_table(data, filename)
    if not table.rows:
        raise DomainError(
            "The file has a header row but no responses.", code="empty_file", field="file"
        )
    stored = None
    try:
        with transaction.atomic():
            survey = SurveyImport(
                partnership=partnership,
                activity=activity,
                filename=filename[-200:],
                columns=table.columns,
                row_count=len(table.rows),
                created_by=actor,
            )
            survey.file.save(filename, ContentFile(data), save=False)
            stored = (survey.file.storage, survey.file.name)
            survey.save()
            audit.log(
                actor=actor,
                action="design.import.uploaded",
                obj=survey,
                partnership=partnership,
                data={"file": survey.filename, "rows": survey.row_count, "activity": activity.pk},
            )
    except BaseException:  # no import record, so no file either
        if stored is not None:
            delete_stored(stored)
        raise
    return survey


def import_survey(*, partnership, activity, actor, file, mapping) -> tuple[SurveyImport, list]:
    """Upload and import in one step (the API): all or nothing. A refused file, mapping or
    row leaves nothing behind — no import record, no audit event, no file on disk."""
    stored = None
    try:
        with transaction.atomic():
            survey = upload_survey(
                partnership=partnership, activity=activity, actor=actor, file=file
            )
            stored = (survey.file.storage, survey.file.name)
            items = run_import(survey_import=survey, actor=actor, mapping=mapping)
    except BaseException:  # the transaction rolled back the import record
        if stored is not None:
            delete_stored(stored)
        raise
    return survey, items


def _check_mapping(survey, mapping: Mapping):
    columns = set(survey.columns)
    if not mapping.text_columns:
        raise DomainError(
            "Choose at least one column with answers.", code="required", field="text_columns"
        )
    if mapping.kind not in ItemKind.posts():
        raise DomainError("Choose idea or feedback.", code="invalid", field="kind")
    for name in ("user_group_column", "name_column", "consent_column", "theme_column"):
        value = getattr(mapping, name)
        if value and value not in columns:
            raise DomainError(
                f"The file has no column “{value}”.", code="unknown_column", field=name
            )
    for column in mapping.text_columns:
        if column not in columns:
            raise DomainError(
                f"The file has no column “{column}”.", code="unknown_column", field="text_columns"
            )
    if mapping.name_column and not mapping.consent_column:
        raise DomainError(
            "Names can only be kept with consent: choose the column that records it.",
            code="consent_column_required",
            field="consent_column",
        )
    group = None
    if mapping.user_group_id:
        group = survey.partnership.user_groups.filter(pk=mapping.user_group_id).first()
        if group is None:
            raise DomainError(
                "Choose one of this partnership's user groups.",
                code="invalid",
                field="user_group_id",
            )
    return group


def _validate(survey, table, mapping: Mapping) -> tuple[list[Response], list[RowError]]:
    themes = {t.name.lower(): t for t in survey.partnership.themes.all()}
    responses, errors = [], []
    for number, row in table.numbered():
        answers = [(c, row.get(c, "")) for c in mapping.text_columns if row.get(c, "")]
        for column, answer in answers:
            if len(answer) > MAX_TEXT:
                errors.append(
                    RowError(number, column, f"The answer is longer than {MAX_TEXT} characters.")
                )
        response = Response(number, answers)
        if mapping.user_group_column:
            response.user_group = " ".join(row.get(mapping.user_group_column, "").split())
            if len(response.user_group) > 120:
                errors.append(
                    RowError(
                        number,
                        mapping.user_group_column,
                        "The user group is longer than 120 characters.",
                    )
                )
        if mapping.consent_column:
            consent = row.get(mapping.consent_column, "").strip().lower()
            if consent not in YES | NO:
                errors.append(
                    RowError(number, mapping.consent_column, f"Write yes or no, not “{consent}”.")
                )
        if mapping.name_column and (name := " ".join(row.get(mapping.name_column, "").split())):
            if row.get(mapping.consent_column, "").strip().lower() not in YES:
                errors.append(
                    RowError(
                        number,
                        mapping.name_column,
                        "A name is given without consent: remove the name, or "
                        "record the consent as yes.",
                    )
                )
            elif len(name) > 200:
                errors.append(
                    RowError(number, mapping.name_column, "The name is longer than 200 characters.")
                )
            response.name = name
        if mapping.theme_column:
            for label in row.get(mapping.theme_column, "").replace(";", ",").split(","):
                if not (label := label.strip()):
                    continue
                if label.lower() not in themes:
                    errors.append(
                        RowError(
                            number,
                            mapping.theme_column,
                            f"There is no theme called “{label}”: add it on the "
                            "insights page or fix the spelling.",
                        )
                    )
                else:
                    response.themes.append(themes[label.lower()])
        if answers:
            responses.append(response)
    if not responses and not errors:
        errors.append(RowError(2, "", "No row has an answer in the chosen columns."))
    return responses, errors


def run_import(*, survey_import, actor, mapping) -> list[Item]:
    """Validate every row; write all the responses or none of them."""
    survey = survey_import
    if survey.status == ImportStatus.IMPORTED:
        raise DomainError("This file was already imported.", code="already_imported")
    if survey.status == ImportStatus.REJECTED or not survey.file:
        raise DomainError(
            "This file was rejected and deleted: fix the problems listed and upload it again.",
            code="rejected_file",
        )
    mapping = mapping if isinstance(mapping, Mapping) else Mapping.from_dict(mapping)
    group = _check_mapping(survey, mapping)
    with survey.file.open("rb") as handle:
        table = read_table(handle.read(), survey.filename)
    responses, errors = _validate(survey, table, mapping)
    if errors:
        with transaction.atomic():
            survey.status, survey.mapping = ImportStatus.REJECTED, mapping.as_dict()
            survey.errors = [
                {"row": e.row, "column": e.column, "message": e.message} for e in errors[:200]
            ]
            stored = (survey.file.storage, survey.file.name)  # names go with it
            transaction.on_commit(lambda: delete_stored(stored))
            survey.file = ""
            survey.save(update_fields=["status", "mapping", "errors", "file"])
            audit.log(
                actor=actor,
                action="design.import.rejected",
                obj=survey,
                partnership=survey.partnership,
                data={"errors": len(errors)},
            )
        raise ImportRejected(errors, total_rows=len(table.rows))
    with transaction.atomic():
        items = _write(survey, mapping, responses, group, actor)
        survey.status, survey.mapping, survey.errors = ImportStatus.IMPORTED, mapping.as_dict(), []
        survey.items_created, survey.imported_at = len(items), clock.now()
        survey.save(update_fields=["status", "mapping", "errors", "items_created", "imported_at"])
        audit.log(
            actor=actor,
            action="design.import.completed",
            obj=survey,
            partnership=survey.partnership,
            data={
                "responses": len(responses),
                "items": len(items),
                "named": sum(1 for r in responses if r.name),
            },
        )
        stored = survey.file.name
        transaction.on_commit(lambda: survey.file.storage.delete(stored))  # names go with it
    return items


def _write(survey, mapping, responses, group, actor) -> list[Item]:
    partnership, activity = survey.partnership, survey.activity
    names = {r.user_group for r in responses if r.user_group}
    groups = {g.name.lower(): g for g in ensure_user_groups(partnership=partnership, names=names)}
    items, tags = [], []
    for response in responses:
        response_group = groups.get(response.user_group.lower()) if response.user_group else group
        consent = None
        if response.name:
            consent = Consent.objects.create(
                partnership=partnership,
                name=response.name,
                user_group=response_group,
                covers=SURVEY_COVERS,
                given_on=min(activity.held_on, clock.today()),
                recorded_by=actor,
            )
        for question, answer in response.answers:
            item = Item(
                partnership=partnership,
                kind=mapping.kind,
                text=answer,
                prompt=question[:300],
                author_name=response.name,
                consent=consent,
                user_group=response_group,
                activity=activity,
                source=ItemSource.SURVEY,
                created_by=actor,
            )
            items.append(item)
            tags.append(response.themes)
    Item.objects.bulk_create(items)
    Through = Item.themes.through
    Through.objects.bulk_create(
        Through(item_id=item.pk, theme_id=theme.pk)
        for item, themes in zip(items, tags, strict=True)
        for theme in {t.pk: t for t in themes}.values()
    )
    return items
