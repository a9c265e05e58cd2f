from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from wagtail.models import WorkflowState
        from wagtail.signals import workflow_approved, workflow_rejected

        from directory import (  # noqa: F401
            agency_panels,  # the dashboard's agency panel
            listings,  # registers the listings of the cms_pages page types
            signals,  # connects our review emails
        )

        # Wagtail emails the submitter its own approval/rejection notice, with links
        # into /cms/ that providers cannot open; directory.signals sends the
        # owner-facing email instead. Moderators still get Wagtail's submission
        # notices.
        workflow_approved.disconnect(
            sender=WorkflowState,
            dispatch_uid="workflow_state_approved_email_notification",
        )
        workflow_rejected.disconnect(
            sender=WorkflowState,
            dispatch_uid="workflow_state_rejected_email_notification",
        )
