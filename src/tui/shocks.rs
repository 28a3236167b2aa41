//! The shocks on top of the scenario's own: the command line's `--shock`s
//! and the ones the user adds with `k` (knock out the selected node) and
//! `a` (a one-key attack), dropped again with `x`. Every one of them is a
//! `--shock` spec, so the reproduce command lists them as they are.

use std::sync::Arc;

use anyhow::Context;

use super::message::Outcome;
use super::params::Params;
use super::text::clean;
use crate::lang::Lang;
use crate::scenario::{Scenario, parse_shock_arg};
use crate::sim::Prepared;
use crate::sweep::Attack;

/// Where a shock of the compiled scenario came from (shown in the event log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShockOrigin {
    /// A `[[shock]]` of the scenario file, with its label.
    Scenario(Option<String>),
    /// A `--shock` given on the command line.
    Cli,
    /// `k`: the user knocked out this node id.
    Manual(String),
    /// `a`: a one-key attack.
    Attack(Attack),
}

/// A shock the user added in the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserShock {
    /// Its `--shock` spec (strikes at the step it was added for).
    pub spec: String,
    /// `k` or `a`.
    pub origin: ShockOrigin,
}

/// The extra shocks and the `k`/`a`/`x` keys.
///
/// Invariant: `origins` has one entry per shock of the last scenario
/// compiled by [`Shocks::compile`] (the trial on screen): the file's
/// shocks, then `cli`, then `user`, in order.
#[derive(Debug)]
pub struct Shocks {
    /// `--shock` specs given on the command line.
    cli: Vec<String>,
    /// The user's knock-outs and attacks, in the order added.
    user: Vec<UserShock>,
    /// Origin of every shock of the trial on screen, by shock index.
    pub origins: Vec<ShockOrigin>,
    /// What `a` fires next.
    pub next_attack: Attack,
}

impl Shocks {
    /// The command line's shocks, none of the user's yet (nothing compiled).
    pub fn new(cli: Vec<String>) -> Self {
        Shocks {
            cli,
            user: Vec::new(),
            origins: Vec::new(),
            next_attack: Attack::Random,
        }
    }

    /// Compile `base` with the sliders and every extra shock; records the
    /// shocks' origins.
    pub fn compile(&mut self, base: &Scenario, params: &Params) -> anyhow::Result<Arc<Prepared>> {
        let (prep, origins) = compile(base, params, &self.cli, &self.user)?;
        self.origins = origins;
        Ok(prep)
    }

    /// `base` with the sliders and the command line's shocks, without the
    /// user's (the ghost line's scenario); `None` while the user has none.
    pub fn without_user(
        &self,
        base: &Scenario,
        params: &Params,
    ) -> Option<anyhow::Result<Arc<Prepared>>> {
        (!self.user.is_empty()).then(|| compile(base, params, &self.cli, &[]).map(|(p, _)| p))
    }

    /// Every extra `--shock` spec: the command line's, then the user's.
    pub fn specs(&self) -> Vec<String> {
        self.cli
            .iter()
            .cloned()
            .chain(self.user.iter().map(|u| u.spec.clone()))
            .collect()
    }

    /// Number of shocks the user added with `k` or `a`.
    pub fn user_count(&self) -> usize {
        self.user.len()
    }

    /// Add a shock of the user's (to be compiled).
    pub fn push(&mut self, shock: UserShock) {
        self.user.push(shock);
    }

    /// Take back the shock just pushed (it did not compile). After a
    /// successful compile, [`Shocks::accepted`] instead.
    pub fn pop(&mut self) {
        self.user.pop();
    }

    /// The shock just pushed is on screen: after an attack, `a` fires the
    /// next kind.
    pub fn accepted(&mut self) {
        if let Some(UserShock {
            origin: ShockOrigin::Attack(kind),
            ..
        }) = self.user.last()
        {
            self.next_attack = kind.next();
        }
    }

    /// `k`: the shock knocking out node `i` of topology `k` (labelled
    /// `label`) at step `t`, and the message line once it is added.
    pub fn knock_out(
        &self,
        base: &Scenario,
        (k, i): (usize, usize),
        t: u32,
        label: &str,
        lang: Lang,
    ) -> (UserShock, String) {
        let id = base.topologies[k].nodes[i].id.clone();
        let spec = format!("at={t},select=nodes,nodes={id}");
        let also = base
            .topologies
            .iter()
            .enumerate()
            .filter(|&(j, tp)| j != k && tp.node_index(&id).is_some())
            .count();
        let shown = clean(&id);
        let status = match (also > 0, lang.is_zh()) {
            (true, false) => {
                format!("knocked out {label} at step {t} (and {shown:?} in the other topology too)")
            }
            (false, false) => format!("knocked out {label} at step {t}"),
            (true, true) => format!("第 {t} 步讓{label}停擺（另一個拓樸的 {shown:?} 也一樣）"),
            (false, true) => format!("第 {t} 步讓{label}停擺"),
        };
        let origin = ShockOrigin::Manual(id);
        (UserShock { spec, origin }, status)
    }

    /// `a`: the attack [`Shocks::next_attack`] at step `t`, and the message
    /// line once it is added.
    pub fn attack(&self, t: u32, lang: Lang) -> (UserShock, String) {
        let kind = self.next_attack;
        let spec = format!("at={t},select={},count=1", kind.as_str());
        let status = if lang.is_zh() {
            format!(
                "第 {t} 步攻擊：每個拓樸中{}的節點（下一次：{}）",
                attack_phrase_zh(kind),
                attack_phrase_zh(kind.next())
            )
        } else {
            format!(
                "attack at step {t}: {} node of every topology (next: {})",
                attack_phrase(kind),
                attack_phrase(kind.next())
            )
        };
        let origin = ShockOrigin::Attack(kind);
        (UserShock { spec, origin }, status)
    }

    /// `x`: drop every knock-out and attack of the user's.
    pub fn clear(&mut self, lang: Lang) -> Outcome {
        if self.user.is_empty() {
            return Outcome::Status(
                lang.pick(
                    "no knock-outs or attacks to clear",
                    "沒有可清除的手動停擺或攻擊",
                )
                .into(),
            );
        }
        self.user.clear();
        Outcome::Recompile(Some(
            lang.pick(
                "cleared your knock-outs and attacks; replaying",
                "已清除你的手動停擺與攻擊，重新播放",
            )
            .into(),
        ))
    }
}

/// How an attack is described to the user (the catalogue's
/// [`Attack::phrase`]).
pub fn attack_phrase(kind: Attack) -> &'static str {
    kind.phrase(Lang::En)
}

/// How an attack is described to the user, in Traditional Chinese.
pub fn attack_phrase_zh(kind: Attack) -> &'static str {
    kind.phrase(Lang::ZhTw)
}

/// Compile `base` with the sliders applied and every extra shock (command
/// line first, then the user's, in order), with the origin of every shock.
fn compile(
    base: &Scenario,
    params: &Params,
    cli: &[String],
    user: &[UserShock],
) -> anyhow::Result<(Arc<Prepared>, Vec<ShockOrigin>)> {
    let mut s = params.apply(base);
    let mut origins: Vec<ShockOrigin> = s
        .shocks
        .iter()
        .map(|sh| ShockOrigin::Scenario(sh.label.clone()))
        .collect();
    let extra = cli
        .iter()
        .map(|spec| (spec, ShockOrigin::Cli))
        .chain(user.iter().map(|u| (&u.spec, u.origin.clone())));
    for (spec, origin) in extra {
        let shock = parse_shock_arg(spec, &s).with_context(|| format!("--shock {spec}"))?;
        s.shocks.push(shock);
        origins.push(origin);
    }
    Ok((Arc::new(Prepared::new(s)?), origins))
}
