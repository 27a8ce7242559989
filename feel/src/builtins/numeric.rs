//! Built-in functions: numeric family (DMN 1.5 §10.3.4.5 and Camunda's extensions).
//!
//! Numbers are 28-digit decimals: every operation is checked, and an overflow gives
//! `null` with a warning. `sqrt`, `log` and `exp` use `rust_decimal`'s decimal series.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};

use super::util::{int_arg, scalar};
use super::Row;
use crate::eval::State;
use crate::value::{DtDuration, Value, YmDuration};

/// The numeric functions.
pub(super) const TABLE: &[Row] = &[
    ("decimal", &["n", "scale"], decimal),
    ("decimal", &["n", "scale", "mode"], decimal),
    ("floor", &["n"], floor),
    ("floor", &["n", "scale"], floor),
    ("ceiling", &["n"], ceiling),
    ("ceiling", &["n", "scale"], ceiling),
    ("round up", &["n"], round_up),
    ("round up", &["n", "scale"], round_up),
    ("round down", &["n"], round_down),
    ("round down", &["n", "scale"], round_down),
    ("round half up", &["n"], round_half_up),
    ("round half up", &["n", "scale"], round_half_up),
    ("round half down", &["n"], round_half_down),
    ("round half down", &["n", "scale"], round_half_down),
    ("abs", &["n"], abs),
    ("modulo", &["dividend", "divisor"], modulo),
    ("sqrt", &["number"], sqrt),
    ("log", &["number"], log),
    ("exp", &["number"], exp),
    ("odd", &["number"], odd),
    ("even", &["number"], even),
    ("random number", &[], random_number),
];

/// The rows of this family Camunda's engine has differently (the Camunda dialect uses them
/// in place of the standard rows of the same names): its parameter names, typos included
/// (`scala`), and no one-parameter `round up`, `round down`, `round half up`, `round half
/// down`; `sqrt`, `log` and `exp` computed in `double` (feel-builtins.md,
/// NumericBuiltinFunctions).
pub(super) const CAMUNDA: &[Row] = &[
    ("floor", &["n"], floor),
    ("floor", &["n", "scala"], floor),
    ("round up", &["n", "scale"], round_up),
    ("round down", &["n", "scale"], round_down),
    ("round half up", &["n", "scale"], round_half_up),
    ("round half down", &["n", "scala"], round_half_down),
    ("abs", &["number"], abs),
    ("abs", &["n"], abs),
    ("sqrt", &["number"], sqrt_double),
    ("log", &["number"], log_double),
    ("exp", &["number"], exp_double),
];

/// The scales DMN allows (those of IEEE 754 decimal128).
const MIN_SCALE: i64 = -6111;
const MAX_SCALE: i64 = 6176;

/// Round `n` to `scale` decimal places (negative: to tens, hundreds, …).
/// `Err` with a message when the scale is out of range or the result overflows.
fn round(n: Decimal, scale: i64, strategy: RoundingStrategy) -> Result<Decimal, String> {
    if !(MIN_SCALE..=MAX_SCALE).contains(&scale) {
        return Err(format!(
            "scale {scale} is outside [{MIN_SCALE}..{MAX_SCALE}]"
        ));
    }
    if scale >= 0 {
        let dp = u32::try_from(scale).unwrap_or(u32::MAX);
        if dp >= n.scale() {
            return Ok(n);
        }
        return Ok(n.round_dp_with_strategy(dp, strategy));
    }
    let k = u32::try_from(-scale).unwrap_or(u32::MAX);
    if n.is_zero() {
        return Ok(Decimal::ZERO);
    }
    let overflow = || "the result is too large".to_string();
    if k > 28 {
        // |n| < 10^29: only rounding to zero is representable.
        return match strategy {
            RoundingStrategy::ToZero => Ok(Decimal::ZERO),
            RoundingStrategy::ToNegativeInfinity if n.is_sign_positive() => Ok(Decimal::ZERO),
            RoundingStrategy::ToPositiveInfinity if n.is_sign_negative() => Ok(Decimal::ZERO),
            RoundingStrategy::MidpointNearestEven
            | RoundingStrategy::MidpointAwayFromZero
            | RoundingStrategy::MidpointTowardZero
                if k > 29 =>
            {
                Ok(Decimal::ZERO)
            }
            _ => Err(overflow()),
        };
    }
    let unit = Decimal::from_i128_with_scale(10i128.pow(k), 0);
    let q = n.checked_div(unit).ok_or_else(overflow)?;
    q.round_dp_with_strategy(0, strategy)
        .checked_mul(unit)
        .ok_or_else(overflow)
}

/// The common shape of the rounding functions: `(n)` or `(n, scale)`.
fn rounding(state: &mut State<'_>, args: &[Value], strategy: RoundingStrategy) -> Value {
    let n = scalar(&args[0]).as_number();
    let scale = match args.get(1) {
        None => Some(0),
        Some(v) => int_arg(v),
    };
    let (Some(n), Some(scale)) = (n, scale) else {
        return state.illegal_args(args);
    };
    match round(n, scale, strategy) {
        Ok(v) => Value::Number(v),
        Err(e) => state.fail_call(e),
    }
}

/// A Java `RoundingMode` name (Camunda's `decimal(n, scale, mode)`), case-insensitive.
fn rounding_mode(name: &str) -> Option<Option<RoundingStrategy>> {
    Some(Some(match name.to_ascii_uppercase().as_str() {
        "UP" => RoundingStrategy::AwayFromZero,
        "DOWN" => RoundingStrategy::ToZero,
        "CEILING" => RoundingStrategy::ToPositiveInfinity,
        "FLOOR" => RoundingStrategy::ToNegativeInfinity,
        "HALF_UP" => RoundingStrategy::MidpointAwayFromZero,
        "HALF_DOWN" => RoundingStrategy::MidpointTowardZero,
        "HALF_EVEN" => RoundingStrategy::MidpointNearestEven,
        "UNNECESSARY" => return Some(None),
        _ => return None,
    }))
}

/// `decimal(n, scale, mode?)`: round half to even (or with a named rounding mode).
fn decimal(state: &mut State<'_>, args: &[Value]) -> Value {
    let strategy = match args.get(2) {
        None => Some(RoundingStrategy::MidpointNearestEven),
        Some(Value::String(m)) => match rounding_mode(m) {
            Some(s) => s,
            None => return state.fail_call(format!("unknown rounding mode '{m}'")),
        },
        Some(_) => return state.illegal_args(args),
    };
    match strategy {
        Some(s) => rounding(state, &args[..2], s),
        None => {
            // UNNECESSARY: the value must already have at most `scale` decimals.
            let v = rounding(state, &args[..2], RoundingStrategy::ToZero);
            match (&v, scalar(&args[0]).as_number()) {
                (Value::Number(r), Some(n)) if *r == n => v,
                (Value::Number(_), _) => state.fail_call("rounding is necessary"),
                _ => v,
            }
        }
    }
}

/// `floor(n, scale?)`: round towards negative infinity.
fn floor(state: &mut State<'_>, args: &[Value]) -> Value {
    rounding(state, args, RoundingStrategy::ToNegativeInfinity)
}

/// `ceiling(n, scale?)`: round towards positive infinity.
fn ceiling(state: &mut State<'_>, args: &[Value]) -> Value {
    rounding(state, args, RoundingStrategy::ToPositiveInfinity)
}

/// `round up(n, scale?)`: round away from zero.
fn round_up(state: &mut State<'_>, args: &[Value]) -> Value {
    rounding(state, args, RoundingStrategy::AwayFromZero)
}

/// `round down(n, scale?)`: round towards zero.
fn round_down(state: &mut State<'_>, args: &[Value]) -> Value {
    rounding(state, args, RoundingStrategy::ToZero)
}

/// `round half up(n, scale?)`: to nearest, ties away from zero.
fn round_half_up(state: &mut State<'_>, args: &[Value]) -> Value {
    rounding(state, args, RoundingStrategy::MidpointAwayFromZero)
}

/// `round half down(n, scale?)`: to nearest, ties towards zero.
fn round_half_down(state: &mut State<'_>, args: &[Value]) -> Value {
    rounding(state, args, RoundingStrategy::MidpointTowardZero)
}

/// `abs(n)`: absolute value of a number or a duration.
fn abs(state: &mut State<'_>, args: &[Value]) -> Value {
    match scalar(&args[0]) {
        Value::Number(n) => Value::Number(n.abs()),
        Value::YearsMonths(d) => match d.0.checked_abs() {
            Some(m) => Value::YearsMonths(YmDuration(m)),
            None => state.fail_call("the duration is too large"),
        },
        Value::DaysTime(d) => match d.0.checked_abs() {
            Some(m) => Value::DaysTime(DtDuration(m)),
            None => state.fail_call("the duration is too large"),
        },
        _ => state.illegal_args(args),
    }
}

/// `modulo(dividend, divisor)`: the remainder with the sign of the divisor.
fn modulo(state: &mut State<'_>, args: &[Value]) -> Value {
    let (Some(a), Some(b)) = (scalar(&args[0]).as_number(), scalar(&args[1]).as_number()) else {
        return state.illegal_args(args);
    };
    if b.is_zero() {
        return state.fail_call_or_throw("division by zero");
    }
    let Some(r) = a.checked_rem(b) else {
        return state.fail_call("the result is too large");
    };
    if !r.is_zero() && r.is_sign_negative() != b.is_sign_negative() {
        match r.checked_add(b) {
            Some(v) => Value::Number(v),
            None => state.fail_call("the result is too large"),
        }
    } else {
        Value::Number(r)
    }
}

/// `sqrt(number)`: square root; negative numbers give `null`.
fn sqrt(state: &mut State<'_>, args: &[Value]) -> Value {
    match scalar(&args[0]).as_number() {
        Some(n) if n.is_sign_negative() && !n.is_zero() => {
            state.fail_call("the square root of a negative number is not defined")
        }
        Some(n) => match n.sqrt() {
            Some(r) => Value::Number(r.normalize()),
            None => state.fail_call("the square root cannot be computed"),
        },
        None => state.illegal_args(args),
    }
}

/// `log(number)`: natural logarithm of a positive number.
fn log(state: &mut State<'_>, args: &[Value]) -> Value {
    match scalar(&args[0]).as_number() {
        Some(n) if n <= Decimal::ZERO => {
            state.fail_call("the logarithm is only defined for positive numbers")
        }
        Some(n) => match n.checked_ln() {
            Some(r) => Value::Number(r.normalize()),
            None => state.fail_call("the logarithm cannot be computed"),
        },
        None => state.illegal_args(args),
    }
}

/// `exp(number)`: e raised to the number.
fn exp(state: &mut State<'_>, args: &[Value]) -> Value {
    let Some(n) = scalar(&args[0]).as_number() else {
        return state.illegal_args(args);
    };
    // e^-66 is below the smallest positive decimal (1e-28).
    if n < Decimal::from(-66) {
        return Value::Number(Decimal::ZERO);
    }
    match n.checked_exp() {
        Some(r) => Value::Number(r.normalize()),
        None => state.fail_call("the result is too large"),
    }
}

/// `f` over a number argument computed in `double`, as Camunda's engine does (the result is
/// the double's shortest text); `null` with a warning when there is no finite result.
fn in_double(state: &mut State<'_>, args: &[Value], f: fn(f64) -> f64) -> Value {
    let Some(x) = scalar(&args[0]).as_number().and_then(|n| n.to_f64()) else {
        return state.illegal_args(args);
    };
    match crate::value::number::from_double(f(x)) {
        Some(r) => Value::Number(r),
        None => state.fail_call(format!("no finite result for '{}'", args[0])),
    }
}

/// `sqrt(number)` in `double` (the Camunda dialect); a negative number gives `null`.
fn sqrt_double(state: &mut State<'_>, args: &[Value]) -> Value {
    in_double(state, args, f64::sqrt)
}

/// `log(number)` in `double` (the Camunda dialect).
fn log_double(state: &mut State<'_>, args: &[Value]) -> Value {
    in_double(state, args, f64::ln)
}

/// `exp(number)` in `double` (the Camunda dialect).
fn exp_double(state: &mut State<'_>, args: &[Value]) -> Value {
    in_double(state, args, f64::exp)
}

/// Whether `n` is an integer, and its parity.
fn parity(n: Decimal) -> Option<bool> {
    if !n.fract().is_zero() {
        return None;
    }
    let half = n.checked_div(Decimal::TWO)?;
    Some(half.fract().is_zero())
}

/// `odd(number)`: false for non-integers.
fn odd(state: &mut State<'_>, args: &[Value]) -> Value {
    match scalar(&args[0]).as_number() {
        Some(n) => Value::Bool(parity(n) == Some(false)),
        None => state.illegal_args(args),
    }
}

/// `even(number)`: false for non-integers.
fn even(state: &mut State<'_>, args: &[Value]) -> Value {
    match scalar(&args[0]).as_number() {
        Some(n) => Value::Bool(parity(n) == Some(true)),
        None => state.illegal_args(args),
    }
}

/// `random number()`: a number in [0, 1) with 18 random decimals.
fn random_number(_state: &mut State<'_>, _args: &[Value]) -> Value {
    const SCALE: u64 = 1_000_000_000_000_000_000;
    let bits = uuid::Uuid::new_v4().as_u128();
    let digits = (bits as u64) % SCALE;
    let n = Decimal::from_i128_with_scale(i128::from(digits), 18);
    Value::Number(n.normalize())
}

/// A decimal as `f64`, for tests.
#[cfg(test)]
fn approx(v: &Value) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    v.as_number().and_then(|n| n.to_f64()).unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::super::util::test::{call, call_named, n, s};
    use super::approx;
    use crate::value::{DtDuration, Value, YmDuration};

    #[test]
    fn decimal_rounds_half_even() {
        assert_eq!(call("decimal", vec![n("2.5"), n("0")]), n("2"));
        assert_eq!(call("decimal", vec![n("1.5"), n("0")]), n("2"));
        assert_eq!(call("decimal", vec![n("0.515"), n("2")]), n("0.52"));
        assert_eq!(call("decimal", vec![n("0.3333"), n("2.5")]), n("0.33"));
        assert_eq!(call("decimal", vec![n("1234"), n("-2")]), n("1200"));
        assert_eq!(
            call("decimal", vec![n("2.5"), n("0"), s("half_up")]),
            n("3")
        );
        assert_eq!(
            call("decimal", vec![n("2.5"), n("0"), s("UNNECESSARY")]),
            Value::Null
        );
        assert_eq!(
            call("decimal", vec![n("2"), n("0"), s("UNNECESSARY")]),
            n("2")
        );
        assert_eq!(
            call("decimal", vec![n("2.5"), n("0"), s("sideways")]),
            Value::Null
        );
        assert_eq!(
            call_named("decimal", &[("n", n("2.146")), ("scale", n("2"))]),
            n("2.15")
        );
    }

    #[test]
    fn floor_ceiling_and_rounding() {
        assert_eq!(call("floor", vec![n("-1.5")]), n("-2"));
        assert_eq!(call("floor", vec![n("-1.56"), n("1")]), n("-1.6"));
        assert_eq!(call("ceiling", vec![n("-1.56"), n("1")]), n("-1.5"));
        assert_eq!(call("ceiling", vec![n("-0.3333")]), n("0"));
        assert_eq!(call("floor", vec![n("1.56"), Value::Null]), Value::Null);
        assert_eq!(call("round up", vec![n("-1.126"), n("2")]), n("-1.13"));
        assert_eq!(call("round up", vec![n("5.5")]), n("6"));
        assert_eq!(call("round down", vec![n("-5.5"), n("0")]), n("-5"));
        assert_eq!(call("round half up", vec![n("-5.5"), n("0")]), n("-6"));
        assert_eq!(call("round half down", vec![n("-5.5"), n("0")]), n("-5"));
        assert_eq!(
            call("round half down", vec![n("-1.126"), n("2")]),
            n("-1.13")
        );
        assert_eq!(call("round up", vec![n("5.5"), n("6176")]), n("5.5"));
        assert_eq!(call("round up", vec![n("5.5"), n("6177")]), Value::Null);
        assert_eq!(call("round up", vec![n("5.5"), n("-6112")]), Value::Null);
        assert_eq!(call("round down", vec![n("5.5"), n("-6111")]), n("0"));
        assert_eq!(call("round up", vec![n("5.5"), n("-40")]), Value::Null);
        assert_eq!(call("round half up", vec![n("5.5"), n("-40")]), n("0"));
        assert_eq!(
            call_named("floor", &[("n", n("1.5")), ("scal", n("1"))]),
            Value::Null
        );
    }

    #[test]
    fn abs_and_modulo() {
        assert_eq!(call("abs", vec![n("-1")]), n("1"));
        assert_eq!(call_named("abs", &[("n", n("-1"))]), n("1"));
        // the TCK expects `abs(number: …)` to fail: only the spec name is accepted
        assert_eq!(call_named("abs", &[("number", n("-2"))]), Value::Null);
        assert_eq!(
            call("abs", vec![Value::DaysTime(DtDuration(-5))]),
            Value::DaysTime(DtDuration(5))
        );
        assert_eq!(
            call("abs", vec![Value::YearsMonths(YmDuration(-12))]),
            Value::YearsMonths(YmDuration(12))
        );
        assert_eq!(call("abs", vec![s("-1")]), Value::Null);
        assert_eq!(call("modulo", vec![n("10"), n("-4")]), n("-2"));
        assert_eq!(call("modulo", vec![n("-10"), n("4")]), n("2"));
        assert_eq!(call("modulo", vec![n("-12"), n("-5")]), n("-2"));
        assert_eq!(call("modulo", vec![n("-10.1"), n("4.5")]), n("3.4"));
        assert_eq!(call("modulo", vec![n("10.1"), n("-4.5")]), n("-3.4"));
        assert_eq!(call("modulo", vec![n("10"), n("0")]), Value::Null);
    }

    #[test]
    fn transcendental() {
        assert_eq!(call("sqrt", vec![n("4")]), n("2"));
        assert_eq!(call("sqrt", vec![n("0")]), n("0"));
        assert_eq!(call("sqrt", vec![n("-1")]), Value::Null);
        assert!((approx(&call("sqrt", vec![n("2")])) - std::f64::consts::SQRT_2).abs() < 1e-12);
        assert!((approx(&call("exp", vec![n("4")])) - 54.598_150_033_144_24).abs() < 1e-9);
        assert!((approx(&call("exp", vec![n("-1")])) - 0.367_879_441_171_442_3).abs() < 1e-12);
        assert_eq!(call("exp", vec![n("0")]), n("1"));
        assert_eq!(call("exp", vec![n("1000")]), Value::Null);
        assert_eq!(call("exp", vec![n("-1000")]), n("0"));
        assert!((approx(&call("log", vec![n("4")])) - 1.386_294_361_119_890_6).abs() < 1e-12);
        assert_eq!(call("log", vec![n("0")]), Value::Null);
        assert_eq!(call("log", vec![n("-1")]), Value::Null);
        assert_eq!(call_named("sqrt", &[("n", n("4"))]), Value::Null);
    }

    #[test]
    fn parity_and_random() {
        assert_eq!(call("even", vec![n("-2")]), Value::Bool(true));
        assert_eq!(call("odd", vec![n("-1")]), Value::Bool(true));
        assert_eq!(call("odd", vec![n("0")]), Value::Bool(false));
        assert_eq!(call("odd", vec![n("1.5")]), Value::Bool(false));
        assert_eq!(call("even", vec![n("1.5")]), Value::Bool(false));
        assert_eq!(call("even", vec![Value::Null]), Value::Null);
        for _ in 0..20 {
            let r = approx(&call("random number", vec![]));
            assert!((0.0..1.0).contains(&r), "{r}");
        }
    }
}

#[cfg(test)]
mod engine_tests {
    use super::super::util::test::{eval, feel};

    #[test]
    fn through_the_engine() {
        assert_eq!(feel("decimal(1/3, 2)"), "0.33");
        assert_eq!(feel("decimal(n: 15/7, scale: 3)"), "2.143");
        assert_eq!(feel("floor(n: -1.56, scale: 1)"), "-1.6");
        assert_eq!(feel("round half up(n: 5.5, scale: 0)"), "6");
        assert_eq!(feel("abs(duration(\"-P1D\"))"), "@\"P1D\"");
        assert_eq!(feel("modulo(dividend: -12, divisor: 5)"), "3");
        assert_eq!(feel("modulo(dividend: 10, foo: 4)"), "null");
        assert_eq!(feel("sqrt(number: 16)"), "4");
        assert_eq!(feel("even(number: 4)"), "true");
        assert_eq!(feel("round up(5.5, 6177)"), "null");
        let (v, w) = eval("modulo(1, 0)");
        assert_eq!(v, "null");
        assert!(w.iter().any(|m| m.contains("division by zero")), "{w:?}");
    }
}
