from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's path alphabet


def _child_path(parent, position: int) -> str:
    digits = ""
    for _ in range(4):
        position, rest = divmod(position, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return parent.path + digits


def create_profile_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    ProfileIndexPage = apps.get_model("directory.ProfileIndexPage")
    home = Page.objects.filter(depth=2, slug="home").first()
    if home is None or ProfileIndexPage.objects.exists():
        return
    last = Page.objects.filter(path__startswith=home.path, depth=3).order_by("-path").first()
    position = (int(last.path[-4:], 36) + 1) if last else 1
    page_type, _ = ContentType.objects.get_or_create(
        app_label="directory", model="profileindexpage"
    )
    ProfileIndexPage.objects.create(
        title="Escorts",
        draft_title="Escorts",
        slug="escorts",
        content_type=page_type,
        path=_child_path(home, position),
        depth=3,
        numchild=0,
        url_path=f"{home.url_path}escorts/",
        live=True,
        locale_id=home.locale_id,
        seo_title="Verified companions",
        search_description="Age- and identity-verified companions.",
    )
    home.numchild = Page.objects.filter(path__startswith=home.path, depth=3).count()
    home.save(update_fields=["numchild"])


def create_review_workflow(apps, schema_editor):
    """ "Profile review": one moderator approval step on the whole profile subtree."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    ProfileReviewTask = apps.get_model("directory.ProfileReviewTask")
    ProfileIndexPage = apps.get_model("directory.ProfileIndexPage")

    task_type, _ = ContentType.objects.get_or_create(
        app_label="directory", model="profilereviewtask"
    )
    task = ProfileReviewTask.objects.create(
        name="Moderator review", content_type=task_type, active=True
    )
    task.groups.set(Group.objects.filter(name="Moderators"))
    workflow = Workflow.objects.create(name="Profile review", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    index = ProfileIndexPage.objects.first()
    if index is not None:
        WorkflowPage.objects.create(page_id=index.pk, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("cms_pages", "0004_city_index_page"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [
        migrations.RunPython(create_profile_index, migrations.RunPython.noop),
        migrations.RunPython(create_review_workflow, migrations.RunPython.noop),
    ]
