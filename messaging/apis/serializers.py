"""Output shapes of messaging: a message (with its image, if any) and a thread
as seen from the acting user's side."""

from __future__ import annotations

from rest_framework import serializers

from core import crypto
from messaging.models import Message, MessageAttachment, Thread
from messaging.selectors import attachment_data, side_of


class AttachmentSerializer(serializers.Serializer):
    class Meta:
        ref_name = "MessageAttachment"

    url = serializers.SerializerMethodField()
    content_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_url(self, attachment: MessageAttachment) -> str:
        return attachment_data(attachment)["url"]


class MessageSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Message"

    id = serializers.IntegerField()
    thread_id = serializers.IntegerField()
    mine = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    attachment = AttachmentSerializer(allow_null=True)
    # An away auto-reply sent by the platform on the provider's behalf.
    automatic = serializers.BooleanField()
    created_at = serializers.DateTimeField()

    def get_mine(self, message: Message) -> bool:
        return message.sender_id == self.context["user"].pk

    def get_body(self, message: Message) -> str:
        return crypto.decrypt(message.body_encrypted)


class ThreadSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Thread"

    id = serializers.IntegerField()
    profile_id = serializers.IntegerField()
    profile_name = serializers.CharField(source="profile.title")
    client_name = serializers.SerializerMethodField()
    booking_id = serializers.IntegerField(allow_null=True)
    last_message_at = serializers.DateTimeField(allow_null=True)
    last_read_id = serializers.SerializerMethodField()
    archived = serializers.SerializerMethodField()
    muted = serializers.SerializerMethodField()

    def _side(self, thread: Thread) -> str:
        return side_of(thread=thread, user=self.context["user"])

    def get_client_name(self, thread: Thread) -> str:
        return thread.client.display_name or "Client"

    def get_last_read_id(self, thread: Thread) -> int:
        return getattr(thread, f"{self._side(thread)}_last_read_id")

    def get_archived(self, thread: Thread) -> bool:
        return getattr(thread, f"{self._side(thread)}_archived")

    def get_muted(self, thread: Thread) -> bool:
        return getattr(thread, f"{self._side(thread)}_muted")
