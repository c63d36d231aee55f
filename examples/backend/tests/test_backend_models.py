"""The models on the migrated schema: writing through a session, and the declared cascades."""

from __future__ import annotations

import pytest
from app.models import ApiKey, Membership, Organization, Payment, Subscription, User, UserStatus
from backend_testing import count, run_in_session, seed_organization
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lockwise.pytest_plugin.database import LockwiseDatabase
from lockwise.pytest_plugin.migrations import Migrator


@pytest.fixture
def engine(migrator: Migrator, lockwise_database: LockwiseDatabase) -> AsyncEngine:
    """An async engine on a scratch database migrated to head."""
    migrator.up()
    return lockwise_database.async_engine


def test_a_session_creates_an_organization_with_a_member_a_key_and_payments(
    engine: AsyncEngine,
) -> None:
    async def work(session: AsyncSession) -> list[int]:
        await seed_organization(session)
        models = (Organization, User, Membership, ApiKey, Subscription, Payment)
        return [await count(session, model) for model in models]

    assert run_in_session(engine, work) == [1, 1, 1, 1, 1, 2]


def test_new_users_are_active(engine: AsyncEngine) -> None:
    async def work(session: AsyncSession) -> UserStatus | None:
        organization = await seed_organization(session)
        return await session.scalar(
            select(User.status).join(Membership).filter_by(organization_id=organization.id)
        )

    assert run_in_session(engine, work) == UserStatus.ACTIVE


def test_deleting_a_subscription_deletes_its_payments(engine: AsyncEngine) -> None:
    async def work(session: AsyncSession) -> int:
        await seed_organization(session)
        await session.execute(delete(Subscription))
        return await count(session, Payment)

    assert run_in_session(engine, work) == 0


def test_deleting_an_organization_deletes_what_it_owns_but_not_its_users(
    engine: AsyncEngine,
) -> None:
    async def work(session: AsyncSession) -> list[int]:
        await seed_organization(session)
        await session.execute(delete(Organization))
        models = (Membership, ApiKey, Subscription, Payment, User)
        return [await count(session, model) for model in models]

    assert run_in_session(engine, work) == [0, 0, 0, 0, 1]


def test_deleting_a_user_keeps_the_api_keys_they_created(engine: AsyncEngine) -> None:
    async def work(session: AsyncSession) -> list[int | None]:
        await seed_organization(session)
        await session.execute(delete(User))
        return list(await session.scalars(select(ApiKey.created_by_id)))

    assert run_in_session(engine, work) == [None]
