from django.apps import AppConfig


class CmsPagesConfig(AppConfig):
    name = "cms_pages"
    verbose_name = "CMS pages"

    def ready(self) -> None:
        from cms_pages.page_cache_signals import connect_receivers

        connect_receivers()
        # The private sections' cache is forgotten on every restriction change,
        # the alias list on every alias saved or deleted.
        from cms_pages import restrictions

        restrictions.connect_alias_receivers()
        # The cached site list (cms_pages.sites) is forgotten on every site saved
        # or deleted; importing the module connects its receivers.
        from cms_pages import sites  # noqa: F401
