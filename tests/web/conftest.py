"""Fixtures of the web pages' tests."""

import pytest
from django.test import Client

from isms.core.permissions import Role
from isms.people.models import Person


@pytest.fixture
def sign_in_as(make_member):
    """sign_in_as(org, role, top_management=False, email="", person=False) -> a test client
    signed in as a new member (``client.user``); ``person`` also records them in the people
    register under ``email``."""

    def sign_in(organisation, role, top_management=False, email="", person=False):
        user, _ = make_member(organisation, role, top_management)
        if email:
            user.email = email
            user.save()
            if person:
                Person.objects.get_or_create(
                    organisation=organisation, email=email, defaults={"name": email.split("@")[0]}
                )
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return sign_in


@pytest.fixture
def signed_in(sign_in_as):
    """signed_in(org, role=ISMS manager, ...): see ``sign_in_as``."""

    def sign_in(organisation, role=Role.ISMS_MANAGER, **options):
        return sign_in_as(organisation, role, **options)

    return sign_in
