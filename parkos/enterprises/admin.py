from django.contrib import admin

from parkos.enterprises.models import Contact, Enterprise, MergeRecord, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    search_fields = ("name",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin[Enterprise]):
    list_display = ("name", "credit_code", "district", "industry_code", "size_class", "lifecycle")
    list_filter = ("lifecycle", "size_class", "above_scale")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("merged_into",)
    filter_horizontal = ("parks", "tags")
    # Writes go through the services (validation, derived columns, audit); the admin is for reading.
    readonly_fields = ("size_class", "above_scale", "name_key", "search_text", "merged_into")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ("name", "enterprise", "title", "erased_at")
    raw_id_fields = ("enterprise",)
    # Personal data: the admin shows names only; numbers are read on the enterprise page, where views are audited.
    exclude = ("mobile", "landline", "landline_ext", "email", "wechat")


@admin.register(MergeRecord)
class MergeRecordAdmin(admin.ModelAdmin[MergeRecord]):
    list_display = ("survivor", "merged", "moved_contacts", "actor", "at")
    raw_id_fields = ("survivor", "merged")
