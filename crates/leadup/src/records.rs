//! The record commands: workspace, objectives, teams and initiatives, each printed as a
//! table or as JSON. Changes go through the same patch-then-validate path as the API.

use anyhow::{Context, bail};
use leadup_core::access::Role;
use leadup_core::initiative::{Initiative, InitiativeInput, InitiativePatch};
use leadup_core::money::parse_major_units;
use leadup_core::strategy::{KeyResultInput, Objective, ObjectiveInput, ObjectivePatch, Workspace};
use leadup_core::team::{Team, TeamInput, TeamPatch};
use leadup_core::work_item::{AttachRule, RuleKind};
use leadup_core::{ValidationErrors, date};
use leadup_store::{Store, StoreError};

use crate::cli::{
    Format, InitArgs, InitiativeCommand, InitiativeFields, ObjectiveCommand, ObjectiveFields, RuleFields, TeamCommand,
    WorkspaceCommand,
};
use crate::output;

/// `leadup init`: creates the workspace, or renames an existing one.
pub async fn init(store: &Store, args: InitArgs) -> anyhow::Result<()> {
    let existed = store.workspace().await?.is_some();
    let workspace = Workspace { name: args.name, mission: args.mission }.validate()?;
    store.save_workspace(&workspace).await?;
    let verb = if existed { "updated" } else { "created" };
    output::line(&format!("{verb} workspace '{}'", workspace.name))
}

/// `leadup workspace ...`
pub async fn workspace(store: &Store, command: WorkspaceCommand) -> anyhow::Result<()> {
    let current = store.workspace().await?;
    let (workspace, format) = match command {
        WorkspaceCommand::Show(format) => {
            (current.context("no workspace yet: run `leadup init --name NAME` first")?, format)
        }
        WorkspaceCommand::Set { name, mission, format } => {
            let current = current.context("no workspace yet: run `leadup init --name NAME` first")?;
            let workspace =
                Workspace { name: name.unwrap_or(current.name), mission: mission.unwrap_or(current.mission) }
                    .validate()?;
            store.save_workspace(&workspace).await?;
            (workspace, format)
        }
    };
    if format.json {
        return output::json(&workspace);
    }
    output::fields(&[("Name", workspace.name), ("Mission", workspace.mission)])
}

/// `leadup objective ...`
pub async fn objective(store: &Store, command: ObjectiveCommand) -> anyhow::Result<()> {
    match command {
        ObjectiveCommand::List(format) => {
            let objectives = store.objectives().await?;
            if format.json {
                return output::json(&objectives);
            }
            let rows: Vec<Vec<String>> = objectives
                .iter()
                .map(|o| {
                    vec![
                        o.id.to_string(),
                        o.title.clone(),
                        o.owner.clone(),
                        o.key_results.len().to_string(),
                        o.progress().map_or_else(|| "-".to_owned(), percent),
                    ]
                })
                .collect();
            output::table(&["ID", "TITLE", "OWNER", "KEY RESULTS", "PROGRESS"], &rows)
        }
        ObjectiveCommand::Show { id, format } => print_objective(&store.objective(id).await?, format),
        ObjectiveCommand::Add { fields, format } => {
            let title = required(fields.title.clone(), "--title")?;
            let owner = required(fields.owner.clone(), "--owner")?;
            let mut input = ObjectiveInput { title, owner, description: String::new(), key_results: vec![] };
            objective_patch(fields)?.apply(&mut input);
            print_objective(&store.create_objective(&input.validate()?).await?, format)
        }
        ObjectiveCommand::Update { id, fields, format } => {
            let mut input = store.objective(id).await?.to_input();
            objective_patch(fields)?.apply(&mut input);
            print_objective(&store.update_objective(id, &input.validate()?).await?, format)
        }
        ObjectiveCommand::Delete { id } => {
            store.delete_objective(id).await?;
            output::line(&format!("deleted objective {id}"))
        }
    }
}

fn objective_patch(fields: ObjectiveFields) -> anyhow::Result<ObjectivePatch> {
    let key_results = if fields.key_results.is_empty() {
        None
    } else {
        let mut errors = ValidationErrors::default();
        let parsed: Vec<KeyResultInput> = fields
            .key_results
            .iter()
            .enumerate()
            .filter_map(|(i, pairs)| {
                key_result(pairs).map_err(|message| errors.add(format!("--key-result {}", i + 1), message)).ok()
            })
            .collect();
        errors.into_result(|| ())?;
        Some(parsed)
    };
    Ok(ObjectivePatch { title: fields.title, description: fields.description, owner: fields.owner, key_results })
}

/// Reads `metric=NAME,unit=UNIT,baseline=N,target=N[,current=N],due=YYYY-MM-DD`.
fn key_result(pairs: &str) -> Result<KeyResultInput, String> {
    let (mut metric, mut unit, mut baseline, mut target, mut current, mut due) =
        (None, String::new(), None, None, None, None);
    for pair in pairs.split(',') {
        let (key, value) = pair.split_once('=').ok_or_else(|| format!("'{pair}' is not key=value"))?;
        let (key, value) = (key.trim(), value.trim());
        let number = || value.parse::<f64>().map_err(|_| format!("{key}: '{value}' is not a number"));
        match key {
            "metric" => metric = Some(value.to_owned()),
            "unit" => value.clone_into(&mut unit),
            "baseline" => baseline = Some(number()?),
            "target" => target = Some(number()?),
            "current" => current = Some(number()?),
            "due" => due = Some(value.to_owned()),
            other => return Err(format!("unknown key '{other}' (use metric, unit, baseline, target, current, due)")),
        }
    }
    let missing = |name: &str| format!("{name}= is required");
    Ok(KeyResultInput {
        metric: metric.ok_or_else(|| missing("metric"))?,
        unit,
        baseline: baseline.ok_or_else(|| missing("baseline"))?,
        target: target.ok_or_else(|| missing("target"))?,
        current,
        due: due.ok_or_else(|| missing("due"))?,
    })
}

fn print_objective(objective: &Objective, format: Format) -> anyhow::Result<()> {
    if format.json {
        return output::json(objective);
    }
    output::fields(&[
        ("Objective", format!("{} (id {})", objective.title, objective.id)),
        ("Owner", objective.owner.clone()),
        ("Description", objective.description.clone()),
        ("Progress", objective.progress().map_or_else(|| "-".to_owned(), percent)),
    ])?;
    let rows: Vec<Vec<String>> = objective
        .key_results
        .iter()
        .map(|kr| {
            vec![
                kr.metric.clone(),
                format!("{} {}", kr.baseline, kr.unit),
                format!("{} {}", kr.current, kr.unit),
                format!("{} {}", kr.target, kr.unit),
                percent(kr.progress()),
                date::format(kr.due),
            ]
        })
        .collect();
    output::line("")?;
    output::table(&["KEY RESULT", "BASELINE", "CURRENT", "TARGET", "PROGRESS", "DUE"], &rows)
}

/// `leadup team ...`
pub async fn team(store: &Store, command: TeamCommand) -> anyhow::Result<()> {
    match command {
        TeamCommand::List(format) => {
            let teams = store.teams().await?;
            if format.json {
                return output::json(&teams);
            }
            let rows: Vec<Vec<String>> = teams
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.name.clone(),
                        t.names(Role::Manager),
                        t.members.len().to_string(),
                        t.names(Role::Executive),
                    ]
                })
                .collect();
            output::table(&["ID", "NAME", "MANAGERS", "MEMBERS", "EXECUTIVES"], &rows)
        }
        TeamCommand::Show { team, format } => print_team(&find_team(store, &team).await?, format),
        TeamCommand::Add { fields, format } => {
            let input = TeamInput {
                name: fields.name,
                managers: fields.managers,
                members: fields.members,
                executives: fields.executives,
            };
            let draft = input.validate().map_err(flags)?;
            print_team(&store.create_team(&draft, None).await.map_err(store_flags)?, format)
        }
        TeamCommand::Update { team, name, format } => {
            let team = find_team(store, &team).await?;
            let name = TeamPatch { name: Some(name) }.validate().map_err(flags)?.unwrap_or(team.name);
            print_team(&store.rename_team(team.id, &name).await?, format)
        }
        TeamCommand::Delete { team } => {
            let team = find_team(store, &team).await?;
            store.delete_team(team.id).await?;
            output::line(&format!("deleted team '{}' (id {})", team.name, team.id))
        }
    }
}

/// A team's field errors under the flags that set them: `executives[1]` is `--executive`.
fn flags(errors: ValidationErrors) -> ValidationErrors {
    ValidationErrors(
        errors
            .0
            .into_iter()
            .map(|mut e| {
                let field = e.field.split_once('[').map_or(e.field.as_str(), |(field, _)| field);
                e.field = match field {
                    "managers" => "--manager".to_owned(),
                    "members" => "--member".to_owned(),
                    "executives" => "--executive".to_owned(),
                    other => format!("--{other}"),
                };
                e
            })
            .collect(),
    )
}

fn store_flags(error: StoreError) -> anyhow::Error {
    match error {
        StoreError::Invalid(errors) => flags(errors).into(),
        other => other.into(),
    }
}

/// The team with this id, or else with exactly this name.
pub async fn find_team(store: &Store, team: &str) -> anyhow::Result<Team> {
    if let Ok(id) = team.parse::<i64>()
        && let Ok(found) = store.team(id).await
    {
        return Ok(found);
    }
    store.team_named(team).await?.with_context(|| format!("no team with id or name '{team}' (see `leadup team list`)"))
}

fn print_team(team: &Team, format: Format) -> anyhow::Result<()> {
    if format.json {
        return output::json(team);
    }
    output::fields(&[
        ("Team", format!("{} (id {})", team.name, team.id)),
        ("Managers", team.names(Role::Manager)),
        ("Members", team.names(Role::Member)),
        ("Executives", team.names(Role::Executive)),
    ])
}

/// `leadup initiative ...`
pub async fn initiative(store: &Store, command: InitiativeCommand) -> anyhow::Result<()> {
    match command {
        InitiativeCommand::List(format) => {
            let initiatives = store.initiatives().await?;
            if format.json {
                return output::json(&initiatives);
            }
            let teams = store.teams().await?;
            let team_name =
                |id: i64| teams.iter().find(|t| t.id == id).map_or_else(|| id.to_string(), |t| t.name.clone());
            let rows: Vec<Vec<String>> = initiatives
                .iter()
                .map(|i| {
                    vec![
                        i.id.to_string(),
                        i.title.clone(),
                        team_name(i.team_id),
                        i.horizon.map_or_else(|| "-".to_owned(), |h| h.to_string()),
                        window(i),
                        i.status.label().to_owned(),
                        i.planned().display(),
                        objectives_served(i),
                    ]
                })
                .collect();
            output::table(&["ID", "TITLE", "TEAM", "HORIZON", "TARGET WINDOW", "STATUS", "BUDGET", "OBJECTIVES"], &rows)
        }
        InitiativeCommand::Show { id, format } => print_initiative(store, &store.initiative(id).await?, format).await,
        InitiativeCommand::Add { fields, format } => {
            let title = required(fields.title.clone(), "--title")?;
            let team = find_team(store, &required(fields.team.clone(), "--team")?).await?;
            let mut input = InitiativeInput {
                title,
                outcome: String::new(),
                team_id: team.id,
                objective_ids: vec![],
                horizon: None,
                target_start: None,
                target_end: None,
                status: "proposed".to_owned(),
                budget_planned: 0,
                budget_actual: 0,
                currency: leadup_core::initiative::DEFAULT_CURRENCY.to_owned(),
            };
            initiative_patch(store, fields, false, false).await?.apply(&mut input);
            let created = store.create_initiative(&input.validate()?).await?;
            crate::forecast::refresh(store, created.team_id).await;
            print_initiative(store, &created, format).await
        }
        InitiativeCommand::Update { id, fields, clear_horizon, clear_window, format } => {
            let before = store.initiative(id).await?;
            let mut input = before.to_input();
            initiative_patch(store, fields, clear_horizon, clear_window).await?.apply(&mut input);
            let updated = store.update_initiative(id, &input.validate()?).await?;
            crate::forecast::refresh(store, before.team_id).await;
            if updated.team_id != before.team_id {
                crate::forecast::refresh(store, updated.team_id).await;
            }
            print_initiative(store, &updated, format).await
        }
        InitiativeCommand::Delete { id } => {
            let team_id = store.initiative(id).await?.team_id;
            store.delete_initiative(id).await?;
            crate::forecast::refresh(store, team_id).await;
            output::line(&format!("deleted initiative {id}"))
        }
        InitiativeCommand::Demand { id, months, view } => {
            crate::evidence::initiative_demand(store, id, months, &view).await
        }
        InitiativeCommand::Attach { id, rules } => {
            let mut all = store.initiative_rules(id).await?;
            all.extend(attach_rules(rules)?);
            store.set_initiative_rules(id, &all).await?;
            crate::forecast::refresh(store, store.initiative(id).await?.team_id).await;
            print_rules(store, id).await
        }
        InitiativeCommand::Detach { id, rules } => {
            let remove = attach_rules(rules)?;
            let mut all = store.initiative_rules(id).await?;
            all.retain(|rule| !remove.contains(rule));
            store.set_initiative_rules(id, &all).await?;
            crate::forecast::refresh(store, store.initiative(id).await?.team_id).await;
            print_rules(store, id).await
        }
    }
}

fn attach_rules(fields: RuleFields) -> Result<Vec<AttachRule>, ValidationErrors> {
    let mut rules = Vec::new();
    let mut errors = ValidationErrors::default();
    for (kind, values) in [
        (RuleKind::Parent, fields.parent),
        (RuleKind::Label, fields.label),
        (RuleKind::Milestone, fields.milestone),
        (RuleKind::Key, fields.key),
    ] {
        for value in values {
            match AttachRule::new(kind, &value) {
                Ok(rule) => rules.push(rule),
                Err(error) => errors.0.extend(error.0),
            }
        }
    }
    errors.into_result(|| rules)
}

async fn print_rules(store: &Store, id: i64) -> anyhow::Result<()> {
    let items = store.initiative_work_items(id).await?;
    output::fields(&[
        ("Attach rules", rules_text(&store.initiative_rules(id).await?)),
        ("Work items", items.len().to_string()),
    ])
}

fn rules_text(rules: &[AttachRule]) -> String {
    if rules.is_empty() {
        return "none (attach work items with `leadup initiative attach`)".to_owned();
    }
    rules.iter().map(|rule| format!("{}={}", rule.kind.as_str(), rule.value)).collect::<Vec<_>>().join(", ")
}

async fn initiative_patch(
    store: &Store,
    fields: InitiativeFields,
    clear_horizon: bool,
    clear_window: bool,
) -> anyhow::Result<InitiativePatch> {
    let mut errors = ValidationErrors::default();
    let mut amount = |flag: &str, text: Option<String>| {
        text.and_then(|t| {
            let parsed = parse_major_units(&t);
            if parsed.is_none() {
                errors.add(flag, format!("'{t}' is not an amount such as 250000 or 1250.50"));
            }
            parsed
        })
    };
    let budget_planned = amount("--budget", fields.budget);
    let budget_actual = amount("--spent", fields.spent);
    errors.into_result(|| ())?;
    let team_id = match fields.team {
        Some(team) => Some(find_team(store, &team).await?.id),
        None => None,
    };
    let nullable = |value: Option<String>, clear: bool| if clear { Some(None) } else { value.map(Some) };
    Ok(InitiativePatch {
        title: fields.title,
        outcome: fields.outcome,
        team_id,
        objective_ids: (!fields.objectives.is_empty()).then_some(fields.objectives),
        horizon: nullable(fields.horizon, clear_horizon),
        target_start: nullable(fields.start, clear_window),
        target_end: nullable(fields.end, clear_window),
        status: fields.status,
        budget_planned,
        budget_actual,
        currency: fields.currency,
    })
}

async fn print_initiative(store: &Store, initiative: &Initiative, format: Format) -> anyhow::Result<()> {
    if format.json {
        return output::json(initiative);
    }
    let team = store.team(initiative.team_id).await?;
    let rules = store.initiative_rules(initiative.id).await?;
    let items = store.initiative_work_items(initiative.id).await?;
    let done = items.iter().filter(|item| item.done.is_some()).count();
    output::fields(&[
        ("Initiative", format!("{} (id {})", initiative.title, initiative.id)),
        ("Team", team.name),
        ("Outcome", initiative.outcome.clone()),
        ("Objectives", objectives_served(initiative)),
        ("Horizon", initiative.horizon.map_or_else(|| "-".to_owned(), |h| h.to_string())),
        ("Target window", window(initiative)),
        ("Status", initiative.status.label().to_owned()),
        ("Budget", initiative.planned().display()),
        ("Spent", initiative.actual().display()),
        ("Attach rules", rules_text(&rules)),
        ("Work items", format!("{} ({done} done)", items.len())),
    ])
}

fn window(initiative: &Initiative) -> String {
    initiative
        .window
        .map_or_else(|| "-".to_owned(), |w| format!("{} to {}", date::format(w.start), date::format(w.end)))
}

fn objectives_served(initiative: &Initiative) -> String {
    if initiative.objective_ids.is_empty() {
        "none (unaligned)".to_owned()
    } else {
        initiative.objective_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// The value of a flag that `add` needs, or a usage error naming it.
fn required(value: Option<String>, flag: &str) -> anyhow::Result<String> {
    match value {
        Some(value) => Ok(value),
        None => bail!(ValidationErrors::single(flag, "is required")),
    }
}

#[cfg(test)]
mod tests {
    use super::key_result;

    #[test]
    fn key_results_read_from_pairs() {
        let kr = key_result("metric=Net revenue retention,unit=%,baseline=98.5,target=110,due=2026-12-31").unwrap();
        assert_eq!(
            (kr.metric.as_str(), kr.unit.as_str(), kr.baseline, kr.target, kr.current),
            ("Net revenue retention", "%", 98.5, 110.0, None)
        );
        assert_eq!(key_result("metric=x,baseline=abc").unwrap_err(), "baseline: 'abc' is not a number");
        assert_eq!(key_result("metric=x,baseline=1,target=2").unwrap_err(), "due= is required");
        assert_eq!(
            key_result("metric=x,colour=red").unwrap_err(),
            "unknown key 'colour' (use metric, unit, baseline, target, current, due)"
        );
    }
}
