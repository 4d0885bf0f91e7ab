//! Strategy reviews: the review rows, their agenda items with commentary, decisions, action
//! items (kept per unit, tracked across reviews) and the snapshot frozen at closing. Whole
//! agendas are written in one transaction; the snapshot is stored as it was taken and never
//! recomputed.

use super::*;
use crate::domain::review::*;
use crate::domain::*;
use sqlx::{AnyConnection, Row};

fn review_from(row: &AnyRow) -> StoreResult<Review> {
    read_row! { row => Review {
        parsed: id, org_unit_id, map_id, held_on, cadence, state;
        text: title;
        json: span, attendees;
        opt_text: closed_at;
        filled_later: presenting;
    } }
    .and_then(|mut r: Review| {
        r.presenting = row
            .try_get::<Option<i64>, _>("presenting")
            .map_err(StoreError::from)?
            .and_then(|p| u32::try_from(p).ok());
        Ok(r)
    })
}

fn item_from(row: &AnyRow) -> StoreResult<AgendaItem> {
    Ok(AgendaItem {
        id: parsed(row, "id")?,
        subject: json(row, "subject")?,
        reason: parsed(row, "reason")?,
        title: text(row, "title")?,
        owner_id: opt_parsed(row, "owner_id")?,
        commentary: Commentary {
            analysis: text(row, "analysis")?,
            recommendation: text(row, "recommendation")?,
            written_by: opt_parsed(row, "written_by")?,
            written_at: opt_text(row, "written_at")?,
        },
    })
}

fn decision_from(row: &AnyRow) -> StoreResult<Decision> {
    read_row! { row => Decision {
        parsed: id;
        opt_parsed: item_id;
        text: text, created_at;
    } }
}

fn action_from(row: &AnyRow) -> StoreResult<ActionItem> {
    let subject: Option<String> = opt_text(row, "subject")?;
    Ok(ActionItem {
        id: parsed(row, "id")?,
        org_unit_id: parsed(row, "org_unit_id")?,
        review_id: parsed(row, "review_id")?,
        item_id: opt_parsed(row, "item_id")?,
        subject: subject
            .map(|s| serde_json::from_str(&s).map_err(|_| StoreError::Corrupt("subject")))
            .transpose()?,
        text: text(row, "text")?,
        owner_id: opt_parsed(row, "owner_id")?,
        due_on: parsed(row, "due_on")?,
        done_on: opt_parsed(row, "done_on")?,
    })
}

/// Adds a review with its agenda.
pub async fn create_review(
    conn: &mut AnyConnection,
    r: &Review,
    items: &[AgendaItem],
    actor: Option<UserId>,
) -> StoreResult<()> {
    review::validate(r)?;
    change(
        "INSERT INTO reviews (id, org_unit_id, map_id, title, cadence, held_on, span, attendees, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(r.id)
    .bind(r.org_unit_id)
    .bind(r.map_id)
    .bind(r.title.trim())
    .bind(r.cadence.as_str())
    .bind(r.held_on)
    .bind(json_text(&r.span)?)
    .bind(json_text(&r.attendees)?)
    .bind(r.state.as_str())
    .run(&mut *conn)
    .await
    .map_err(|e| e.unique_as_conflict("a review with this id already exists"))?;
    write_items(&mut *conn, r.id, items).await?;
    audit(conn, actor, "create", "review", r.id, &r.title).await
}

/// Replaces a review's agenda by `items` (in their order), keeping nothing else.
async fn write_items(
    conn: &mut AnyConnection,
    review: ReviewId,
    items: &[AgendaItem],
) -> StoreResult<()> {
    review::validate_agenda(items)?;
    change("DELETE FROM review_items WHERE review_id = $1")
        .bind(review)
        .run(&mut *conn)
        .await?;
    for (position, i) in items.iter().enumerate() {
        change(
            "INSERT INTO review_items (id, review_id, position, subject, reason, title, owner_id, \
             analysis, recommendation, written_by, written_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(i.id)
        .bind(review)
        .bind_value(position as i64)
        .bind(json_text(&i.subject)?)
        .bind(i.reason.as_str())
        .bind(i.title.trim())
        .bind_value(i.owner_id.map(|u| u.to_string()))
        .bind(&i.commentary.analysis)
        .bind(&i.commentary.recommendation)
        .bind_value(i.commentary.written_by.map(|u| u.to_string()))
        .bind_value(i.commentary.written_at.clone())
        .run(&mut *conn)
        .await
        .map_err(|e| e.unique_as_conflict("an agenda item with this id already exists"))?;
    }
    Ok(())
}

/// Adds an action item.
pub async fn create_action(
    conn: &mut AnyConnection,
    a: &ActionItem,
    actor: Option<UserId>,
) -> StoreResult<()> {
    review::validate_text("Action", &a.text)?;
    change(
        "INSERT INTO review_actions (id, org_unit_id, review_id, item_id, subject, text, owner_id, \
         due_on, done_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(a.id)
    .bind(a.org_unit_id)
    .bind(a.review_id)
    .bind_value(a.item_id.map(|i| i.to_string()))
    .bind_value(a.subject.map(|s| json_text(&s)).transpose()?)
    .bind(a.text.trim())
    .bind_value(a.owner_id.map(|u| u.to_string()))
    .bind(a.due_on)
    .bind_value(a.done_on.map(|d| d.to_string()))
    .run(&mut *conn)
    .await
    .map_err(|e| e.unique_as_conflict("an action with this id already exists"))?;
    audit(conn, actor, "create", "review_action", a.id, &a.text).await
}

impl Store {
    /// Schedules a review with its generated agenda, in one transaction.
    pub async fn create_review(
        &self,
        r: &Review,
        items: &[AgendaItem],
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| create_review(tx, r, items, actor).await)
            .await
    }

    /// One review.
    pub async fn review(&self, id: ReviewId) -> StoreResult<Review> {
        select("SELECT * FROM reviews WHERE id = $1")
            .bind(id)
            .one(&self.pool, review_from, "review")
            .await
    }

    /// A unit's reviews, latest first.
    pub async fn reviews_of(&self, unit: OrgUnitId) -> StoreResult<Vec<Review>> {
        select("SELECT * FROM reviews WHERE org_unit_id = $1 ORDER BY held_on DESC, id DESC")
            .bind(unit)
            .all(&self.pool, review_from)
            .await
    }

    /// The snapshot a closed review froze (none while it is open).
    pub async fn review_snapshot(&self, id: ReviewId) -> StoreResult<Option<Snapshot>> {
        let text: Option<String> = select("SELECT snapshot FROM reviews WHERE id = $1")
            .bind(id)
            .one(&self.pool, |r| opt_text(r, "snapshot"), "review")
            .await?;
        text.map(|t| serde_json::from_str(&t).map_err(|_| StoreError::Corrupt("snapshot")))
            .transpose()
    }

    /// Changes a scheduled review's title, date, span and attendees.
    pub async fn update_review(&self, r: &Review, actor: Option<UserId>) -> StoreResult<()> {
        review::validate(r)?;
        self.write(async |tx| {
            change(
                "UPDATE reviews SET title = $2, cadence = $3, held_on = $4, span = $5, attendees = $6 \
                 WHERE id = $1 AND state = 'scheduled'",
            )
            .bind(r.id)
            .bind(r.title.trim())
            .bind(r.cadence.as_str())
            .bind(r.held_on)
            .bind(json_text(&r.span)?)
            .bind(json_text(&r.attendees)?)
            .run_on_one(&mut *tx, "review")
            .await?;
            audit(tx, actor, "update", "review", r.id, &r.title).await
        })
        .await
    }

    /// A review's agenda, in order.
    pub async fn review_items(&self, id: ReviewId) -> StoreResult<Vec<AgendaItem>> {
        select("SELECT * FROM review_items WHERE review_id = $1 ORDER BY position, id")
            .bind(id)
            .all(&self.pool, item_from)
            .await
    }

    /// Replaces a review's agenda (the facilitator added, removed or reordered items).
    pub async fn save_agenda(
        &self,
        review: &Review,
        items: &[AgendaItem],
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| {
            write_items(&mut *tx, review.id, items).await?;
            audit(tx, actor, "agenda", "review", review.id, &review.title).await
        })
        .await
    }

    /// Writes an item's commentary.
    pub async fn write_commentary(
        &self,
        item: ReviewItemId,
        c: &Commentary,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        review::validate_commentary(c)?;
        self.write(async |tx| {
            change(
                "UPDATE review_items SET analysis = $2, recommendation = $3, written_by = $4, \
                 written_at = $5 WHERE id = $1",
            )
            .bind(item)
            .bind(c.analysis.trim())
            .bind(c.recommendation.trim())
            .bind_value(c.written_by.map(|u| u.to_string()))
            .bind_value(c.written_at.clone())
            .run_on_one(&mut *tx, "agenda item")
            .await?;
            let review: ReviewId = select("SELECT review_id FROM review_items WHERE id = $1")
                .bind(item)
                .one(&mut *tx, |r| parsed(r, "review_id"), "agenda item")
                .await?;
            audit(tx, actor, "commentary", "review", review, &item.to_string()).await
        })
        .await
    }

    /// The review an agenda item is on.
    pub async fn review_of_item(&self, item: ReviewItemId) -> StoreResult<Review> {
        select(
            "SELECT r.* FROM reviews r JOIN review_items i ON i.review_id = r.id WHERE i.id = $1",
        )
        .bind(item)
        .one(&self.pool, review_from, "agenda item")
        .await
    }

    /// Shows agenda item `step` to every attendee, or ends the presentation (`None`).
    pub async fn set_presenting(&self, id: ReviewId, step: Option<u32>) -> StoreResult<()> {
        change("UPDATE reviews SET presenting = $2 WHERE id = $1")
            .bind(id)
            .bind_value(step.map(i64::from))
            .run_on_one(&self.pool, "review")
            .await
    }

    /// Records a decision.
    pub async fn add_decision(
        &self,
        review: ReviewId,
        d: &Decision,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        review::validate_text("Decision", &d.text)?;
        self.write(async |tx| {
            change(
                "INSERT INTO review_decisions (id, review_id, item_id, text, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(d.id)
            .bind(review)
            .bind_value(d.item_id.map(|i| i.to_string()))
            .bind(d.text.trim())
            .bind(&d.created_at)
            .run(&mut *tx)
            .await
            .map_err(|e| e.unique_as_conflict("a decision with this id already exists"))?;
            audit(tx, actor, "decision", "review", review, &d.text).await
        })
        .await
    }

    /// A review's decisions, in the order they were taken.
    pub async fn decisions_of(&self, review: ReviewId) -> StoreResult<Vec<Decision>> {
        select("SELECT * FROM review_decisions WHERE review_id = $1 ORDER BY created_at, id")
            .bind(review)
            .all(&self.pool, decision_from)
            .await
    }

    /// Records an action item.
    pub async fn create_action(&self, a: &ActionItem, actor: Option<UserId>) -> StoreResult<()> {
        self.write(async |tx| create_action(tx, a, actor).await)
            .await
    }

    /// One action item.
    pub async fn action(&self, id: ActionItemId) -> StoreResult<ActionItem> {
        select("SELECT * FROM review_actions WHERE id = $1")
            .bind(id)
            .one(&self.pool, action_from, "action")
            .await
    }

    /// Marks an action done on `day`, or open again (`None`).
    pub async fn set_action_done(
        &self,
        id: ActionItemId,
        day: Option<chrono::NaiveDate>,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| {
            change("UPDATE review_actions SET done_on = $2 WHERE id = $1")
                .bind(id)
                .bind_value(day.map(|d| d.to_string()))
                .run_on_one(&mut *tx, "action")
                .await?;
            let what = if day.is_some() { "done" } else { "reopen" };
            audit(tx, actor, what, "review_action", id, "").await
        })
        .await
    }

    /// A unit's actions, open ones first, by due date.
    pub async fn actions_of_unit(&self, unit: OrgUnitId) -> StoreResult<Vec<ActionItem>> {
        select(
            "SELECT * FROM review_actions WHERE org_unit_id = $1 \
             ORDER BY CASE WHEN done_on IS NULL THEN 0 ELSE 1 END, due_on, id",
        )
        .bind(unit)
        .all(&self.pool, action_from)
        .await
    }

    /// Someone's open actions, by due date.
    pub async fn open_actions_of(&self, user: UserId) -> StoreResult<Vec<ActionItem>> {
        select(
            "SELECT * FROM review_actions WHERE owner_id = $1 AND done_on IS NULL \
             ORDER BY due_on, id",
        )
        .bind(user)
        .all(&self.pool, action_from)
        .await
    }

    /// The agenda items someone owns on reviews still to be held: their "to write" list, with
    /// each item's review.
    pub async fn items_to_write(&self, user: UserId) -> StoreResult<Vec<(Review, AgendaItem)>> {
        let items = select(
            "SELECT i.* FROM review_items i JOIN reviews r ON r.id = i.review_id \
             WHERE i.owner_id = $1 AND r.state = 'scheduled' ORDER BY r.held_on, i.position",
        )
        .bind(user)
        .all(&self.pool, item_from)
        .await?;
        let mut out = Vec::new();
        for i in items {
            out.push((self.review_of_item(i.id).await?, i));
        }
        Ok(out)
    }

    /// Whether a unit requires commentary on every red item before a review closes.
    pub async fn red_commentary_required(&self, unit: OrgUnitId) -> StoreResult<bool> {
        select("SELECT red_commentary_required FROM org_units WHERE id = $1")
            .bind(unit)
            .one(
                &self.pool,
                |r| flag(r, "red_commentary_required"),
                "org unit",
            )
            .await
    }

    /// Sets whether a unit requires commentary on every red item.
    pub async fn set_red_commentary_required(
        &self,
        unit: OrgUnitId,
        required: bool,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        self.write(async |tx| {
            change("UPDATE org_units SET red_commentary_required = $2 WHERE id = $1")
                .bind(unit)
                .bind_value(i64::from(required))
                .run_on_one(&mut *tx, "org unit")
                .await?;
            let detail = if required { "on" } else { "off" };
            audit(tx, actor, "red_commentary", "org_unit", unit, detail).await
        })
        .await
    }

    /// Closes a review: stores its snapshot, as taken, with the closing time.
    pub async fn close_review(
        &self,
        r: &Review,
        snapshot: &Snapshot,
        actor: Option<UserId>,
    ) -> StoreResult<()> {
        let text = json_text(snapshot)?;
        self.write(async |tx| {
            change(
                "UPDATE reviews SET state = 'closed', closed_at = $2, snapshot = $3, presenting = NULL \
                 WHERE id = $1 AND state = 'scheduled'",
            )
            .bind(r.id)
            .bind(&snapshot.taken_at)
            .bind(&text)
            .run_on_one(&mut *tx, "review")
            .await?;
            audit(tx, actor, "close", "review", r.id, &r.title).await
        })
        .await
    }
}
