//! Exact rational numbers for the solver: wire amounts (f64) in, exact arithmetic inside,
//! f64 out, so that `0.99` means ninety-nine hundredths and a cycle solves to exactly 100.
//!
//! Amounts are small fractions almost always, so they live in an `i64` fraction and move
//! to a big-integer fraction ([`big`]) only when an operation would overflow, and back as
//! soon as a result fits again: exact either way.

use std::cmp::Ordering;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

use num_bigint::BigInt;
use num_rational::{BigRational, Ratio};
use num_traits::{CheckedAdd, CheckedDiv, CheckedMul, CheckedSub, ToPrimitive, Zero};

mod big;

/// An exact amount.
#[derive(Debug, Clone)]
pub enum Exact {
    Small(Ratio<i64>),
    Big(BigRational),
}

impl Exact {
    /// The integer `value`.
    pub fn from_integer(value: i64) -> Exact {
        Exact::Small(Ratio::from_integer(value))
    }

    /// `numerator / denominator`; `denominator` must not be zero.
    pub fn new(numerator: i64, denominator: i64) -> Exact {
        Exact::Small(Ratio::new(numerator, denominator))
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        match self {
            Exact::Small(value) => value.is_zero(),
            Exact::Big(value) => value.is_zero(),
        }
    }

    /// A reduced big fraction in its smallest form: small whenever it fits, so that a big
    /// value is never equal to a small one.
    fn from_big(value: BigRational) -> Exact {
        match (value.numer().to_i64(), value.denom().to_i64()) {
            (Some(numerator), Some(denominator)) => {
                Exact::Small(Ratio::new_raw(numerator, denominator))
            }
            _ => Exact::Big(value),
        }
    }
}

/// Zero.
pub fn zero() -> Exact {
    Exact::Small(Ratio::zero())
}

/// The exact value a person meant by `value`: the shortest decimal that round-trips to the
/// same f64 (so `0.1` is one tenth, not the nearest binary fraction). `None` if not finite.
pub fn from_f64(value: f64) -> Option<Exact> {
    if !value.is_finite() {
        return None;
    }
    // Fast path: a decimal with few digits, found by scaling (the division is exact-rounded,
    // so equality means that decimal is the one that prints as `value`).
    let mut scale = 1i64;
    for _ in 0..=6 {
        let scaled = (value * scale as f64).round();
        if scaled.abs() < 9.0e15 && scaled / scale as f64 == value {
            return Some(Exact::new(scaled as i64, scale));
        }
        scale *= 10;
    }
    // `Display` for f64 prints the shortest round-trip decimal, never in exponent form.
    let text = format!("{value}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let numerator: BigInt = format!("{whole}{fraction}").parse().ok()?;
    let denominator = num_traits::pow(BigInt::from(10), fraction.len());
    Some(Exact::from_big(BigRational::new(numerator, denominator)))
}

/// The nearest f64 to an exact amount.
pub fn to_f64(value: &Exact) -> f64 {
    match value {
        Exact::Small(value) => value.to_f64(),
        Exact::Big(value) => value.to_f64(),
    }
    .unwrap_or(f64::NAN)
}

/// One binary operation: checked on the small form, big when it overflows or is big already,
/// and back to small when the result fits again.
macro_rules! operation {
    ($trait:ident, $method:ident, $checked:ident) => {
        impl $trait<&Exact> for &Exact {
            type Output = Exact;
            fn $method(self, other: &Exact) -> Exact {
                let result = match (self, other) {
                    (Exact::Small(a), Exact::Small(b)) => {
                        if let Some(result) = IntegerFastPath::$checked(a, b) {
                            return Exact::Small(result);
                        }
                        big::$method(&big_of(a), &big_of(b))
                    }
                    (Exact::Big(a), Exact::Big(b)) => big::$method(a, b),
                    (Exact::Big(a), Exact::Small(b)) => big::$method(a, &big_of(b)),
                    (Exact::Small(a), Exact::Big(b)) => big::$method(&big_of(a), b),
                };
                Exact::from_big(result)
            }
        }
        impl $trait<&Exact> for Exact {
            type Output = Exact;
            fn $method(self, other: &Exact) -> Exact {
                (&self).$method(other)
            }
        }
        impl $trait<Exact> for Exact {
            type Output = Exact;
            fn $method(self, other: Exact) -> Exact {
                (&self).$method(&other)
            }
        }
        impl $trait<Exact> for &Exact {
            type Output = Exact;
            fn $method(self, other: Exact) -> Exact {
                self.$method(&other)
            }
        }
    };
}

/// A small fraction as a big one.
fn big_of(value: &Ratio<i64>) -> BigRational {
    BigRational::new_raw(BigInt::from(*value.numer()), BigInt::from(*value.denom()))
}

operation!(Add, add, checked_add);
operation!(Sub, sub, checked_sub);
operation!(Mul, mul, checked_mul);
operation!(Div, div, checked_div);

/// Sums and products of integers (most amounts) skip the fraction arithmetic.
trait IntegerFastPath: Sized {
    fn checked_add(&self, other: &Self) -> Option<Self>;
    fn checked_sub(&self, other: &Self) -> Option<Self>;
    fn checked_mul(&self, other: &Self) -> Option<Self>;
    fn checked_div(&self, other: &Self) -> Option<Self>;
}

/// Applies `integer` when both are integers, `fraction` otherwise.
fn fast(
    a: &Ratio<i64>,
    b: &Ratio<i64>,
    integer: fn(i64, i64) -> Option<i64>,
    fraction: fn(&Ratio<i64>, &Ratio<i64>) -> Option<Ratio<i64>>,
) -> Option<Ratio<i64>> {
    if a.is_integer() && b.is_integer() {
        integer(*a.numer(), *b.numer()).map(Ratio::from_integer)
    } else {
        fraction(a, b)
    }
}

impl IntegerFastPath for Ratio<i64> {
    fn checked_add(&self, other: &Self) -> Option<Self> {
        fast(self, other, i64::checked_add, CheckedAdd::checked_add)
    }
    fn checked_sub(&self, other: &Self) -> Option<Self> {
        fast(self, other, i64::checked_sub, CheckedSub::checked_sub)
    }
    fn checked_mul(&self, other: &Self) -> Option<Self> {
        fast(self, other, i64::checked_mul, CheckedMul::checked_mul)
    }
    fn checked_div(&self, other: &Self) -> Option<Self> {
        CheckedDiv::checked_div(self, other)
    }
}

impl AddAssign<&Exact> for Exact {
    fn add_assign(&mut self, other: &Exact) {
        *self = &*self + other;
    }
}

impl SubAssign<&Exact> for Exact {
    fn sub_assign(&mut self, other: &Exact) {
        *self = &*self - other;
    }
}

impl SubAssign<Exact> for Exact {
    fn sub_assign(&mut self, other: Exact) {
        *self = &*self - &other;
    }
}

impl Neg for Exact {
    type Output = Exact;
    fn neg(self) -> Exact {
        zero() - self
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Exact) -> bool {
        // Fractions are kept reduced with a positive denominator: equal means identical.
        match (self, other) {
            (Exact::Small(a), Exact::Small(b)) => a.numer() == b.numer() && a.denom() == b.denom(),
            (Exact::Big(a), Exact::Big(b)) => a.numer() == b.numer() && a.denom() == b.denom(),
            _ => self.cmp(other) == Ordering::Equal,
        }
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Exact) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    /// By cross-multiplication (denominators are positive): exact, and without the
    /// repeated divisions of comparing continued fractions.
    fn cmp(&self, other: &Exact) -> Ordering {
        match (self, other) {
            (Exact::Small(a), Exact::Small(b)) => {
                let left = i128::from(*a.numer()) * i128::from(*b.denom());
                let right = i128::from(*b.numer()) * i128::from(*a.denom());
                left.cmp(&right)
            }
            (Exact::Big(a), Exact::Big(b)) => cross(a, b),
            (Exact::Big(a), Exact::Small(b)) => cross(a, &big_of(b)),
            (Exact::Small(a), Exact::Big(b)) => cross(&big_of(a), b),
        }
    }
}

/// Compares two big fractions with positive denominators.
fn cross(a: &BigRational, b: &BigRational) -> Ordering {
    (a.numer() * b.denom()).cmp(&(b.numer() * a.denom()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decimal inputs become the decimal fractions a person wrote.
    #[test]
    fn decimals_are_read_as_written() {
        assert_eq!(from_f64(0.99), Some(Exact::new(99, 100)));
        assert_eq!(from_f64(-2.5), Some(Exact::new(-5, 2)));
        assert_eq!(from_f64(f64::INFINITY), None);
        assert_eq!(to_f64(&Exact::new(1, 4)), 0.25);
        let huge = from_f64(1e300).unwrap_or_else(zero);
        assert!(matches!(huge, Exact::Big(_)));
        assert_eq!(to_f64(&huge), 1e300);
    }

    /// Arithmetic that overflows the small form carries on exactly in the big one.
    #[test]
    fn overflow_moves_to_big_fractions() {
        let tiny = Exact::new(1, i64::MAX);
        let product = &(&tiny * &tiny) * &tiny;
        assert!(matches!(product, Exact::Big(_)));
        let back = &(&(&product / &tiny) / &tiny) * &Exact::from_integer(i64::MAX);
        assert_eq!(back, Exact::from_integer(1));
        assert!(&tiny + &tiny > tiny);
    }
}
