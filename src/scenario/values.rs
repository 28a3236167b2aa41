//! The value rules of the format, one checker per kind of value, shared by
//! every reader of scenarios (the TOML reader and `import`), so a value is
//! accepted or refused with the same words wherever it comes from. Each
//! returns the value, or the message (without place or field: the caller
//! knows those).

use super::Num;

/// Largest accepted capacity, demand, stock level or part quantity.
pub const MAX_AMOUNT: f64 = 1e15;

/// A capacity: finite, > 0, at most [`MAX_AMOUNT`].
pub fn capacity(x: f64) -> Result<f64, String> {
    if x.is_finite() && x > 0.0 && x <= MAX_AMOUNT {
        Ok(x)
    } else {
        Err(format!(
            "expected a finite capacity > 0 (units per step, at most 1e15), found {}",
            Num(x)
        ))
    }
}

/// A failure probability per step: in [0, 1).
pub fn probability(x: f64) -> Result<f64, String> {
    if x.is_finite() && (0.0..1.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!(
            "expected a probability per step in [0, 1), found {}",
            Num(x)
        ))
    }
}

/// A quantity of `part` per unit of an assembler's output: finite, > 0, at
/// most [`MAX_AMOUNT`].
pub fn quantity(part: &str, x: f64) -> Result<f64, String> {
    if x.is_finite() && x > 0.0 && x <= MAX_AMOUNT {
        Ok(x)
    } else {
        Err(format!(
            "expected a finite quantity > 0 (units of {part} per unit of output, at most 1e15), found {}",
            Num(x)
        ))
    }
}

/// A stock amount (`what`: "max", "initial", "stock"): finite, ≥ 0, at most
/// [`MAX_AMOUNT`].
pub fn stock_units(what: &str, x: f64) -> Result<f64, String> {
    if x.is_finite() && (0.0..=MAX_AMOUNT).contains(&x) {
        Ok(x)
    } else {
        Err(format!(
            "expected {what} to be a finite number of units ≥ 0 and at most 1e15, found {}",
            Num(x)
        ))
    }
}

/// A sink's demand: finite, > 0, at most [`MAX_AMOUNT`].
pub fn demand(x: f64) -> Result<f64, String> {
    if x.is_finite() && x > 0.0 && x <= MAX_AMOUNT {
        Ok(x)
    } else {
        Err(format!(
            "expected a finite demand > 0 (units per step, at most 1e15), found {}",
            Num(x)
        ))
    }
}

/// A repair distribution as written: every sample at least one step, at
/// most [`MAX_REPAIR`](super::limits::MAX_REPAIR).
pub fn repair(raw: &super::raw::RawRepair) -> Result<super::Repair, String> {
    use super::Repair;
    use super::limits::MAX_REPAIR;
    use super::raw::RawRepair;
    match *raw {
        RawRepair::Fixed { steps } if (1..=MAX_REPAIR).contains(&steps) => Ok(Repair::Fixed {
            steps: steps as u32,
        }),
        RawRepair::Fixed { steps } => Err(format!(
            "expected fixed steps in 1..={MAX_REPAIR}, found {steps}"
        )),
        RawRepair::Uniform { min, max } if 1 <= min && min <= max && max <= MAX_REPAIR => {
            Ok(Repair::Uniform {
                min: min as u32,
                max: max as u32,
            })
        }
        RawRepair::Uniform { min, max } => Err(format!(
            "expected 1 <= min <= max <= {MAX_REPAIR} for a uniform repair, found min = {min}, max = {max}"
        )),
        RawRepair::Geometric { mean }
            if mean.is_finite() && (1.0..=MAX_REPAIR as f64).contains(&mean) =>
        {
            Ok(Repair::Geometric { mean })
        }
        RawRepair::Geometric { mean } => Err(format!(
            "expected a geometric mean in [1, {MAX_REPAIR}] steps, found {}",
            Num(mean)
        )),
    }
}

/// A cost (money per step, per unit or per unit held): finite, ≥ 0, at most
/// [`MAX_AMOUNT`].
pub fn cost(x: f64) -> Result<f64, String> {
    if x.is_finite() && (0.0..=MAX_AMOUNT).contains(&x) {
        Ok(x)
    } else {
        Err(format!(
            "expected a finite cost ≥ 0 (money, at most 1e15), found {}",
            Num(x)
        ))
    }
}
