//! Data entry for measures.

use super::ApiError;
#[allow(unused_imports)]
use crate::domain::Action;
use crate::domain::*;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;

/// Records this period's actual of a measure (contributors and up on the measure's unit).
#[server(prefix = "/api", endpoint = "record_actual", output = super::TextJson)]
pub async fn record_actual(
    measure_id: MeasureId,
    period: String,
    value: f64,
    note: String,
) -> Result<(), ApiError> {
    ssr::reply(
        async move {
            let (ctx, _) = ssr::require_user().await?;
            let map = ctx
                .store
                .map(ctx.store.map_of_measure(measure_id).await?)
                .await?;
            let (_, user, _) = ssr::require(map.org_unit_id, Action::EnterData).await?;
            let period: Period = period
                .parse()
                .map_err(|e: period::PeriodParseError| ApiError::BadInput(e.to_string()))?;
            let actual = Actual {
                measure_id,
                period,
                value,
                note,
                entered_by: Some(user.id),
                entered_at: crate::store::now_text(),
                source: DataSource::Manual,
            };
            ctx.store.record_actual(&actual).await?;
            Ok(())
        }
        .await,
    )
}
