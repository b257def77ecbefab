//! Fraction arithmetic on big integers that keeps every gcd small. A sum's or a product's
//! reduction only takes the gcd of what can share a factor (Knuth, TAOCP §4.5.1), and a
//! gcd of a big and a small number starts with one remainder (Euclid), so an amount of
//! many words met with an ordinary one costs a few word operations. (num-rational reduces
//! whole results with a binary gcd, which dominated the solver's time once amounts
//! outgrew 64 bits.) Every result is reduced, with a positive denominator.

use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// The greatest common divisor of two machine words.
fn gcd_word(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The greatest common divisor of `|a|` and `|b|`: Euclid's algorithm, on machine words
/// as soon as both fit.
fn gcd(a: &BigInt, b: &BigInt) -> BigInt {
    let mut a: BigUint = a.magnitude().clone();
    let mut b: BigUint = b.magnitude().clone();
    loop {
        if b.is_zero() {
            return a.into();
        }
        if let (Some(x), Some(y)) = (a.to_u64(), b.to_u64()) {
            return BigInt::from(gcd_word(x, y));
        }
        a %= &b;
        std::mem::swap(&mut a, &mut b);
    }
}

fn zero() -> BigRational {
    BigRational::new_raw(BigInt::zero(), BigInt::one())
}

/// `a + sign · b`, where `sign` is 1 or -1.
fn sum(a: &BigRational, b: &BigRational, negate: bool) -> BigRational {
    let (p, q, s) = (a.numer(), a.denom(), b.denom());
    let r = if negate {
        -b.numer()
    } else {
        b.numer().clone()
    };
    let g = gcd(q, s);
    if g.is_one() {
        return BigRational::new_raw(p * s + r * q, q * s);
    }
    let (q_g, s_g) = (q / &g, s / &g);
    let t = p * &s_g + r * &q_g;
    if t.is_zero() {
        return zero();
    }
    let g2 = gcd(&t, &g);
    BigRational::new_raw(t / &g2, q_g * (s / &g2))
}

/// `a + b`.
pub fn add(a: &BigRational, b: &BigRational) -> BigRational {
    sum(a, b, false)
}

/// `a - b`.
pub fn sub(a: &BigRational, b: &BigRational) -> BigRational {
    sum(a, b, true)
}

/// `p/q · r/s`.
fn product(p: &BigInt, q: &BigInt, r: &BigInt, s: &BigInt) -> BigRational {
    if p.is_zero() || r.is_zero() {
        return zero();
    }
    let (g1, g2) = (gcd(p, s), gcd(r, q));
    BigRational::new_raw((p / &g1) * (r / &g2), (q / &g2) * (s / &g1))
}

/// `a · b`.
pub fn mul(a: &BigRational, b: &BigRational) -> BigRational {
    product(a.numer(), a.denom(), b.numer(), b.denom())
}

/// `a / b`; panics when `b` is zero, as integer division does.
pub fn div(a: &BigRational, b: &BigRational) -> BigRational {
    assert!(!b.is_zero(), "division by zero");
    let (r, s) = if b.numer().is_negative() {
        (-b.denom(), -b.numer())
    } else {
        (b.denom().clone(), b.numer().clone())
    };
    product(a.numer(), a.denom(), &r, &s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(numerator: i128, denominator: i128) -> BigRational {
        BigRational::new(BigInt::from(numerator), BigInt::from(denominator))
    }

    /// Every operation agrees with num-rational's, reduced and with a positive denominator.
    #[test]
    fn operations_agree_with_reduced_fractions() {
        let values = [
            big(0, 1),
            big(1, 3),
            big(-7, 12),
            big(i128::from(i64::MAX) * 3, 5),
            big(1, i128::from(i64::MAX) * 4),
            big(-(1 << 100), 3 * 7 * 11),
            big(6 << 90, 35),
        ];
        for a in &values {
            for b in &values {
                let same = |ours: BigRational, theirs: BigRational| {
                    assert_eq!(
                        (ours.numer(), ours.denom()),
                        (theirs.numer(), theirs.denom()),
                        "{a} and {b}"
                    );
                };
                same(add(a, b), a + b);
                same(sub(a, b), a - b);
                same(mul(a, b), a * b);
                if !b.is_zero() {
                    same(div(a, b), a / b);
                }
            }
        }
    }
}
