"""timetable: milestones of each review, significant events

Revision ID: 0002_timetable
Revises: 0001_foundation
Create Date: 2026-11-23 19:38:20.212450
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base


revision: str = '0002_timetable'
down_revision: str | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=48), nullable=False),
    sa.Column('owner_role', sa.Enum('keyworker', 'social-worker', 'iro', 'manager', 'admin', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['done_by_id'], ['staff_members.id'], name=op.f('fk_milestones_done_by_id_staff_members')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_milestones_review_id_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestones')),
    sa.UniqueConstraint('review_id', 'name', name='uq_milestone_review_name')
    )
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index('ix_milestones_done_on_due_on', ['done_on', 'due_on'], unique=False)
        batch_op.create_index('ix_milestones_review_id_done_on_due_on', ['review_id', 'done_on', 'due_on'], unique=False)

    op.create_table('significant_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('care-plan-change', 'decisions-not-carried-out', 'contact-change', 'change-of-social-worker', 'safeguarding-enquiry', 'complaint', 'placement-change', 'birth-family-event', 'offending', 'school-exclusion', 'missing', 'serious-health-event', 'other', name='eventkind', native_enum=False, length=32), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', participation.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('considered_by_id', sa.Integer(), nullable=True),
    sa.Column('considered_at', participation.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.Enum('bring-forward', 'no-change', name='eventdecision', native_enum=False, length=32), nullable=True),
    sa.Column('decision_note', sa.String(length=500), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('brought_forward_to', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_significant_events_child_id_children')),
    sa.ForeignKeyConstraint(['considered_by_id'], ['staff_members.id'], name=op.f('fk_significant_events_considered_by_id_staff_members')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_members.id'], name=op.f('fk_significant_events_recorded_by_id_staff_members')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_significant_events_review_id_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_significant_events')),
    sa.UniqueConstraint('public_id', name=op.f('uq_significant_events_public_id'))
    )
    with op.batch_alter_table('significant_events', schema=None) as batch_op:
        batch_op.create_index('ix_significant_events_child_id_decision', ['child_id', 'decision'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('significant_events', schema=None) as batch_op:
        batch_op.drop_index('ix_significant_events_child_id_decision')

    op.drop_table('significant_events')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_milestones_review_id_done_on_due_on')
        batch_op.drop_index('ix_milestones_done_on_due_on')

    op.drop_table('milestones')
