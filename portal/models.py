"""The catalogue's tables, as SQLAlchemy 2 models (schema changes go through Alembic migrations)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Naive UTC, as CKAN stores and reports timestamps."""
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    fullname: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    about: Mapped[str | None] = mapped_column(Text)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    sysadmin: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="active")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")


class ApiToken(Base):
    """An API token: only a hash of the secret part is stored, so a database leak reveals no token."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_access: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class Group(Base):
    """An organization (a publishing partner) or a group (a theme); CKAN keeps both in one table too."""

    __tablename__ = "groups"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    is_organization: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    type: Mapped[str] = mapped_column(String(50), default="group")
    approval_status: Mapped[str] = mapped_column(String(20), default="approved")
    state: Mapped[str] = mapped_column(String(20), default="active")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    extras: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    memberships: Mapped[list[Membership]] = relationship(back_populates="group", cascade="all, delete-orphan")


class Membership(Base):
    """A user's role in an organization or group: member, editor or admin."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    capacity: Mapped[str] = mapped_column(String(20), default="member")

    group: Mapped[Group] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class License(Base):
    __tablename__ = "licenses"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(Text, default="")
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    family: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("name", "vocabulary_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), index=True)
    vocabulary_id: Mapped[str | None] = mapped_column(String(36))


class PackageTag(Base):
    __tablename__ = "package_tags"

    package_id: Mapped[str] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[str] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    tag: Mapped[Tag] = relationship(lazy="joined")


class PackageGroup(Base):
    """A dataset's membership of a group (theme)."""

    __tablename__ = "package_groups"

    package_id: Mapped[str] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True)

    group: Mapped[Group] = relationship(lazy="joined")


class Package(Base):
    __tablename__ = "packages"
    __table_args__ = (Index("ix_packages_state_private", "state", "private"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(String(100))
    author: Mapped[str | None] = mapped_column(Text)
    author_email: Mapped[str | None] = mapped_column(Text)
    maintainer: Mapped[str | None] = mapped_column(Text)
    maintainer_email: Mapped[str | None] = mapped_column(Text)
    license_id: Mapped[str | None] = mapped_column(String(100))
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="active")
    type: Mapped[str] = mapped_column(String(100), default="dataset")
    owner_org: Mapped[str | None] = mapped_column(ForeignKey("groups.id"), index=True)
    creator_user_id: Mapped[str | None] = mapped_column(String(36))
    metadata_created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    metadata_modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    extras: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    organization: Mapped[Group | None] = relationship(lazy="joined")
    tags: Mapped[list[PackageTag]] = relationship(
        cascade="all, delete-orphan", order_by="PackageTag.position", lazy="selectin"
    )
    groups: Mapped[list[PackageGroup]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    resources: Mapped[list[Resource]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="Resource.position", lazy="selectin"
    )


class Resource(Base):
    __tablename__ = "resources"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    package_id: Mapped[str] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text, default="")
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(100), default="")
    mimetype: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(200), default="")
    url_type: Mapped[str | None] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer, default=0)
    resource_type: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20), default="active")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_modified: Mapped[datetime | None] = mapped_column(DateTime)
    metadata_modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    storage_key: Mapped[str | None] = mapped_column(String(400))
    extras: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    package: Mapped[Package] = relationship(back_populates="resources")


class SearchDoc(Base):
    """One row per dataset with what search filters and sorts on; the text index sits beside it.

    The SQLite backend keeps its FTS5 table ``search_fts`` and the PostgreSQL backend a ``tsv`` column,
    both created by the migration for their dialect only.
    """

    __tablename__ = "search_docs"
    __table_args__ = (Index("ix_search_docs_visible", "state", "private", "metadata_modified"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    title_sort: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20))
    private: Mapped[bool] = mapped_column(Boolean)
    type: Mapped[str] = mapped_column(String(100))
    owner_org: Mapped[str | None] = mapped_column(String(36))
    creator_user_id: Mapped[str | None] = mapped_column(String(36))
    metadata_created: Mapped[datetime] = mapped_column(DateTime)
    metadata_modified: Mapped[datetime] = mapped_column(DateTime)
    data: Mapped[str | None] = mapped_column(Text)  # the package_show record as JSON (portal/search/records.py)


class SearchTerm(Base):
    """A (field, value) pair of a dataset, for filters (``fq``) and facet counts computed in the database."""

    __tablename__ = "search_terms"
    __table_args__ = (Index("ix_search_terms_field_value", "field", "value", "package_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_id: Mapped[str] = mapped_column(ForeignKey("packages.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(String(500))
