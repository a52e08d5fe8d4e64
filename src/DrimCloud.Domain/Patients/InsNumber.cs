namespace DrimCloud.Domain.Patients;

/// <summary>Rules for the INS matricule (a NIR or NIA of 13 characters followed by its 2-digit control key).</summary>
public static class InsNumber
{
    /// <summary>OID of the NIR as INS (production).</summary>
    public const string NirOid = "1.2.250.1.213.1.4.8";

    /// <summary>OID of the NIA as INS (production).</summary>
    public const string NiaOid = "1.2.250.1.213.1.4.9";

    /// <summary>OIDs of test NIR / NIA identities (the national test platforms).</summary>
    public const string TestNirOid = "1.2.250.1.213.1.4.10";
    public const string TestNiaOid = "1.2.250.1.213.1.4.11";

    public static bool IsKnownOid(string? oid) => oid is NirOid or NiaOid or TestNirOid or TestNiaOid;

    /// <summary>
    /// Checks the format and the control key (97 - (number mod 97)). Corsica's department codes 2A / 2B are
    /// replaced by 19 / 18 before the computation, as the NIR rules say.
    /// </summary>
    public static bool IsValid(string? matricule)
    {
        if (matricule is not { Length: 15 }) return false;
        var body = matricule[..13].ToUpperInvariant();
        var key = matricule[13..];
        if (!key.All(char.IsAsciiDigit)) return false;
        var corsicaOffset = 0L;
        if (body[5..7] == "2A") { body = body[..5] + "19" + body[7..]; corsicaOffset = 1_000_000; }
        else if (body[5..7] == "2B") { body = body[..5] + "18" + body[7..]; corsicaOffset = 2_000_000; }
        if (!body.All(char.IsAsciiDigit)) return false;
        var number = long.Parse(body, System.Globalization.CultureInfo.InvariantCulture) - corsicaOffset;
        var expected = 97 - (number % 97);
        return expected == int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
    }
}
