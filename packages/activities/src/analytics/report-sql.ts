/**
 * The report's SQL, over tables named like the export's files (`events`, `journey_transitions`,
 * `loan_decisions`) and written to run unchanged on DuckDB and PostgreSQL.
 */

/** Count the events per type. */
export const EVENTS_BY_TYPE_SQL = `select event_type, cast(count(*) as integer) as n
from events
group by event_type
order by event_type`;

/** Count the transitions into and out of each state, per journey type, in first-seen order. */
export const FUNNEL_SQL = `with moves as (
  select journey_type, to_state as state, 1 as entered, 0 as exited, "at" from journey_transitions
  union all
  select journey_type, from_state as state, 0 as entered, 1 as exited, "at" from journey_transitions where from_state is not null
)
select journey_type, state,
  cast(sum(entered) as integer) as entries,
  cast(sum(exited) as integer) as exits,
  cast(sum(entered) - sum(exited) as integer) as drop_off
from moves
group by journey_type, state
order by journey_type, min("at"), state`;

/** Count the decisions per outcome and the time to decision's p50 and p95 (linear interpolation). */
export const DECISIONS_SQL = `select cast(count(*) as integer) as total,
  cast(coalesce(sum(case when outcome = 'approve' then 1 else 0 end), 0) as integer) as approve,
  cast(coalesce(sum(case when outcome = 'reject' then 1 else 0 end), 0) as integer) as reject,
  cast(coalesce(sum(case when outcome = 'manual_review' then 1 else 0 end), 0) as integer) as manual_review,
  percentile_cont(0.5) within group (order by time_to_decision_ms) as p50_ms,
  percentile_cont(0.95) within group (order by time_to_decision_ms) as p95_ms
from loan_decisions`;

/** List each provider's unhealthy periods from `PROVIDER_<NAME>_UNHEALTHY` / `_HEALTHY` events. */
export const PROVIDER_HEALTH_SQL = `with health as (
  select
    case when right(event_type, 10) = '_UNHEALTHY' then substring(event_type, 10, length(event_type) - 19)
      else substring(event_type, 10, length(event_type) - 17) end as provider,
    right(event_type, 10) <> '_UNHEALTHY' as healthy,
    created_at,
    event_id
  from events
  where left(event_type, 9) = 'PROVIDER_' and (right(event_type, 10) = '_UNHEALTHY' or right(event_type, 8) = '_HEALTHY')
), ordered as (
  select provider, healthy, created_at, lag(healthy) over (partition by provider order by created_at, event_id) as previous_healthy
  from health
)
select o.provider, o.created_at as unhealthy_at,
  (select min(h.created_at) from health h where h.provider = o.provider and h.healthy and h.created_at > o.created_at) as healthy_at
from ordered o
where not o.healthy and (o.previous_healthy is null or o.previous_healthy)
order by o.created_at, o.provider`;

/** Every query of the report, by name. */
export const ANALYTICS_REPORT_SQL = {
  eventsByType: EVENTS_BY_TYPE_SQL,
  funnel: FUNNEL_SQL,
  decisions: DECISIONS_SQL,
  providerHealth: PROVIDER_HEALTH_SQL,
} as const;
