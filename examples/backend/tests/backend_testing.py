"""Helpers for the backend's tests: a session on an engine, and seed data."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from app.db import make_sessionmaker
from app.models import (
    ApiKey,
    Base,
    Membership,
    MembershipRole,
    Organization,
    Payment,
    PaymentStatus,
    Subscription,
    SubscriptionStatus,
    User,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

T = TypeVar("T")


def run_in_session(engine: AsyncEngine, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in a session of the app's session factory, in a fresh event loop."""

    async def scoped() -> T:
        async with make_sessionmaker(engine)() as session:
            return await work(session)

    return asyncio.run(scoped())


async def count(session: AsyncSession, model: type[Base]) -> int:
    """Count the rows of `model`'s table."""
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def seed_organization(session: AsyncSession) -> Organization:
    """Commit an organization with an owner, an API key and a subscription paid twice."""
    owner = User(email="ada@example.com", display_name="Ada Lovelace")
    organization = Organization(name="Analytical Engines")
    organization.memberships.append(Membership(user=owner, role=MembershipRole.OWNER))
    organization.api_keys.append(
        ApiKey(name="CI", prefix="lw_3f9a1c2b", key_hash="sha256:0f1e2d", created_by=owner)
    )
    subscription = Subscription(plan="team", status=SubscriptionStatus.ACTIVE)
    subscription.payments.extend(
        Payment(amount_cents=4900, currency="USD", status=PaymentStatus.SUCCEEDED) for _ in range(2)
    )
    organization.subscriptions.append(subscription)
    session.add(organization)
    await session.commit()
    return organization
