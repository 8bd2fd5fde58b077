import Foundation

/// The Sun and the Moon as a lunisolar calendar needs them: the moments of new moons and of
/// the Sun reaching a longitude (the solar terms), as Julian Ephemeris Days (TT), and the
/// difference between that time scale and the clocks' (ΔT).
///
/// Methods from Meeus, *Astronomical Algorithms* (2nd ed., 1998): new moons from chapter 49
/// (all its periodic and planetary terms; within seconds of the ELP-2000/82 theory), the
/// Sun's apparent longitude from VSOP87 (``VSOP87Earth``) with nutation and aberration
/// (chapters 22 and 25), ΔT from Espenak and Meeus's polynomials (NASA, 2006).
public enum Ephemeris {
    /// Julian Day of 1970-01-01 00:00 UTC.
    public static let unixEpochJulianDay = 2_440_587.5
    /// J2000.0.
    static let j2000 = 2_451_545.0

    // MARK: New moons

    /// The moment (JDE) of new moon number `k`, counted from the new moon of 2000-01-06
    /// (k = 0); negative before it.
    public static func newMoon(_ k: Int) -> Double {
        let k = Double(k)
        let t = k / 1236.85
        let t2 = t * t, t3 = t2 * t, t4 = t3 * t
        var jde = 2_451_550.09766 + 29.530588861 * k + 0.00015437 * t2 - 0.000000150 * t3 + 0.00000000073 * t4
        let e = 1 - 0.002516 * t - 0.0000074 * t2
        let m = radians(2.5534 + 29.10535670 * k - 0.0000014 * t2 - 0.00000011 * t3)
        let mp = radians(201.5643 + 385.81693528 * k + 0.0107582 * t2 + 0.00001238 * t3 - 0.000000058 * t4)
        let f = radians(160.7108 + 390.67050284 * k - 0.0016118 * t2 - 0.00000227 * t3 + 0.000000011 * t4)
        let omega = radians(124.7746 - 1.56375588 * k + 0.0020672 * t2 + 0.00000215 * t3)
        jde += -0.40720 * sin(mp) + 0.17241 * e * sin(m) + 0.01608 * sin(2 * mp) + 0.01039 * sin(2 * f)
            + 0.00739 * e * sin(mp - m) - 0.00514 * e * sin(mp + m) + 0.00208 * e * e * sin(2 * m)
            - 0.00111 * sin(mp - 2 * f) - 0.00057 * sin(mp + 2 * f) + 0.00056 * e * sin(2 * mp + m)
            - 0.00042 * sin(3 * mp) + 0.00042 * e * sin(m + 2 * f) + 0.00038 * e * sin(m - 2 * f)
            - 0.00024 * e * sin(2 * mp - m) - 0.00017 * sin(omega) - 0.00007 * sin(mp + 2 * m)
            + 0.00004 * sin(2 * mp - 2 * f) + 0.00004 * sin(3 * m) + 0.00003 * sin(mp + m - 2 * f)
            + 0.00003 * sin(2 * mp + 2 * f) - 0.00003 * sin(mp + m + 2 * f) + 0.00003 * sin(mp - m + 2 * f)
            - 0.00002 * sin(mp - m - 2 * f) - 0.00002 * sin(3 * mp + m) + 0.00002 * sin(4 * mp)
        // The planetary arguments (A1 … A14).
        let planetary: [(Double, Double, Double)] = [
            (0.000325, 299.77, 0.107408), (0.000165, 251.88, 0.016321), (0.000164, 251.83, 26.651886),
            (0.000126, 349.42, 36.412478), (0.000110, 84.66, 18.206239), (0.000062, 141.74, 53.303771),
            (0.000060, 207.14, 2.453732), (0.000056, 154.84, 7.306860), (0.000047, 34.52, 27.261239),
            (0.000042, 207.19, 0.121824), (0.000040, 291.34, 1.844379), (0.000037, 161.72, 24.198154),
            (0.000035, 239.56, 25.513099), (0.000023, 331.55, 3.592518),
        ]
        for (index, (amplitude, start, rate)) in planetary.enumerated() {
            // A1 alone has a T² term.
            let argument = start + rate * k - (index == 0 ? 0.009173 * t2 : 0)
            jde += amplitude * sin(radians(argument))
        }
        return jde
    }

    /// The number of the last new moon at or before `jde`.
    public static func newMoonNumber(atOrBefore jde: Double) -> Int {
        var k = Int(((jde - 2_451_550.09766) / 29.530588861).rounded(.down))
        while newMoon(k + 1) <= jde { k += 1 }
        while newMoon(k) > jde { k -= 1 }
        return k
    }

    // MARK: The Sun

    /// The Sun's apparent geocentric longitude at `jde`, in degrees, 0 ≤ λ < 360.
    public static func solarLongitude(_ jde: Double) -> Double {
        let tau = (jde - j2000) / 365_250
        let earthLongitude = VSOP87Earth.evaluate(VSOP87Earth.longitude, at: tau) / 1e8
        let distance = VSOP87Earth.evaluate(VSOP87Earth.distance, at: tau) / 1e8
        // Geometric longitude of the Sun (FK5), then nutation and aberration.
        var longitude = degrees(earthLongitude) + 180
        let t = tau * 10
        longitude -= 0.09033 / 3600
        longitude += nutationInLongitude(t) / 3600
        longitude -= 20.4898 / 3600 / distance
        return normalized(longitude)
    }

    /// The moment (JDE) near `estimate` when the Sun's apparent longitude is `longitude`
    /// degrees (within a second).
    public static func moment(whenSunReaches longitude: Double, near estimate: Double) -> Double {
        var jde = estimate
        for _ in 0..<20 {
            // Meeus 27: a day moves the Sun about 360/365.24 degrees; 58·sin keeps the step right way round.
            let step = 58 * sin(radians(longitude - solarLongitude(jde)))
            jde += step
            if abs(step) < 0.000_01 { break }
        }
        return jde
    }

    /// The moment (JDE) in Gregorian year `year` when the Sun's apparent longitude is
    /// `longitude` degrees (0 is the March equinox, 270 the December solstice).
    public static func solarTerm(_ longitude: Double, inYear year: Int) -> Double {
        // The March equinox is near March 20 and the Sun gains about 0.9856° a day; it passes
        // 280° in the first days of January.
        let march20 = julianDay(year: year, month: 3, day: 20)
        var fraction = normalized(longitude) / 360
        if fraction >= 280.0 / 360 { fraction -= 1 }
        let estimate = march20 + fraction * 365.2422
        return moment(whenSunReaches: longitude, near: estimate)
    }

    /// Nutation in longitude, in arcseconds (Meeus 22, the abridged series: within 0.5″).
    static func nutationInLongitude(_ t: Double) -> Double {
        let omega = radians(125.04452 - 1934.136261 * t)
        let sunMean = radians(280.4665 + 36000.7698 * t)
        let moonMean = radians(218.3165 + 481_267.8813 * t)
        return -17.20 * sin(omega) - 1.32 * sin(2 * sunMean) - 0.23 * sin(2 * moonMean) + 0.21 * sin(2 * omega)
    }

    // MARK: Time scales

    /// ΔT = TT − UT in seconds at a decimal year (Espenak and Meeus's polynomials, 1800–2150,
    /// and their parabola beyond).
    public static func deltaT(year y: Double) -> Double {
        switch y {
        case ..<1860:
            let t = y - 1800
            return 13.72 - 0.332447 * t + 0.0068612 * t * t + 0.0041116 * pow(t, 3) - 0.00037436 * pow(t, 4)
                + 0.0000121272 * pow(t, 5) - 0.0000001699 * pow(t, 6) + 0.000000000875 * pow(t, 7)
        case ..<1900:
            let t = y - 1860
            return 7.62 + 0.5737 * t - 0.251754 * t * t + 0.01680668 * pow(t, 3) - 0.0004473624 * pow(t, 4)
                + pow(t, 5) / 233_174
        case ..<1920:
            let t = y - 1900
            return -2.79 + 1.494119 * t - 0.0598939 * t * t + 0.0061966 * pow(t, 3) - 0.000197 * pow(t, 4)
        case ..<1941:
            let t = y - 1920
            return 21.20 + 0.84493 * t - 0.076100 * t * t + 0.0020936 * pow(t, 3)
        case ..<1961:
            let t = y - 1950
            return 29.07 + 0.407 * t - t * t / 233 + pow(t, 3) / 2547
        case ..<1986:
            let t = y - 1975
            return 45.45 + 1.067 * t - t * t / 260 - pow(t, 3) / 718
        case ..<2005:
            let t = y - 2000
            return 63.86 + 0.3345 * t - 0.060374 * t * t + 0.0017275 * pow(t, 3) + 0.000651814 * pow(t, 4)
                + 0.00002373599 * pow(t, 5)
        case ..<2050:
            let t = y - 2000
            return 62.92 + 0.32217 * t + 0.005589 * t * t
        case ..<2150:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u - 0.5628 * (2150 - y)
        default:
            let u = (y - 1820) / 100
            return -20 + 32 * u * u
        }
    }

    /// The Julian Day (UT) of a moment given as a JDE (TT).
    public static func universalTime(_ jde: Double) -> Double {
        let year = 2000 + (jde - j2000) / 365.25
        return jde - deltaT(year: year) / 86_400
    }

    /// The day (counted from 1970-01-01, as ``CalendarDays`` counts) on which a moment
    /// (JDE) falls on the clocks of a zone `offsetSeconds` east of Greenwich.
    public static func civilDay(of jde: Double, offsetSeconds: Int) -> Int {
        let local = universalTime(jde) + Double(offsetSeconds) / 86_400
        return Int((local - unixEpochJulianDay).rounded(.down))
    }

    /// The Julian Day of 0h UT on a Gregorian date.
    public static func julianDay(year: Int, month: Int, day: Int) -> Double {
        Double(CalendarDays.since1970(year: year, month: month, day: day)) + unixEpochJulianDay
    }

    static func radians(_ degrees: Double) -> Double { degrees * .pi / 180 }
    static func degrees(_ radians: Double) -> Double { radians * 180 / .pi }
    static func normalized(_ degrees: Double) -> Double {
        let value = degrees.truncatingRemainder(dividingBy: 360)
        return value < 0 ? value + 360 : value
    }
}
