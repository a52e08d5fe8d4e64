using System.Globalization;
using System.Text;
using DrimCloud.Hl7.Er7;

namespace DrimCloud.Hl7.Ack;

/// <summary>MSA-1 acknowledgment codes (original mode).</summary>
public enum AckCode { AA, AE, AR }

/// <summary>
/// Builds the technical acknowledgment of a message: MSH (sender and receiver swapped, same version and character set),
/// MSA (code, the original control id, the reason) and, for errors, ERR with the HL7 table 0357 code.
/// </summary>
public static class Hl7Ack
{
    /// <summary>
    /// The ACK as bytes in the original's character set. <paramref name="original"/> may be null when the message
    /// could not be parsed at all; <paramref name="originalBytes"/> then lets the control id be recovered if possible.
    /// </summary>
    public static byte[] Build(Hl7Message? original, AckCode code, string? reason, Hl7ErrorCode? error, string? errorLocation,
        DateTimeOffset now, string? ackControlId = null)
    {
        var d = original?.Delimiters ?? Hl7Delimiters.Default;
        var msh = original?.Header;
        string Esc(string s) => Hl7Escaping.Escape(s, d);
        var f = d.Field;
        var sb = new StringBuilder(256);
        sb.Append("MSH").Append(f).Append(d.EncodingCharacters)
            .Append(f).Append(msh?.Raw(5) ?? "DRIMCLOUD")   // sending application = the original's receiver
            .Append(f).Append(msh?.Raw(6) ?? "")
            .Append(f).Append(msh?.Raw(3) ?? "")             // receiving application = the original's sender
            .Append(f).Append(msh?.Raw(4) ?? "")
            .Append(f).Append(now.ToString("yyyyMMddHHmmsszzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal))
            .Append(f)
            .Append(f).Append("ACK").Append(d.Component).Append(Esc(original?.TriggerEvent ?? "")).Append(d.Component).Append("ACK")
            .Append(f).Append(Esc(ackControlId ?? Guid.NewGuid().ToString("N")[..20]))
            .Append(f).Append(Esc(original?.ProcessingId is { Length: > 0 } p ? p : "P"))
            .Append(f).Append(Esc(original?.Version is { Length: > 0 } v ? v : "2.5"));
        if (original is not null && original.Header.Raw(18).Length > 0)
            sb.Append(f, 6).Append(original.Header.Raw(18));
        sb.Append('\r');

        var text = Esc(Truncate(reason ?? "", 200));
        sb.Append("MSA").Append(f).Append(code).Append(f).Append(Esc(original?.ControlId ?? ""));
        if (code != AckCode.AA || text.Length > 0) sb.Append(f).Append(text);
        sb.Append('\r');

        if (code != AckCode.AA)
        {
            var err = error ?? Hl7ErrorCode.ApplicationInternalError;
            sb.Append("ERR").Append(f)
                .Append(f).Append(Esc(errorLocation ?? ""))
                .Append(f).Append((int)err).Append(d.Component).Append(Esc(Describe(err))).Append(d.Component).Append("HL70357")
                .Append(f).Append('E')
                .Append(f, 4).Append(Esc(Truncate(reason ?? "", 250)))
                .Append('\r');
        }
        var encoding = original?.Encoding ?? new UTF8Encoding(false);
        return encoding.GetBytes(sb.ToString());
    }

    public static string Describe(Hl7ErrorCode code) => code switch
    {
        Hl7ErrorCode.SegmentSequenceError => "Segment sequence error",
        Hl7ErrorCode.RequiredFieldMissing => "Required field missing",
        Hl7ErrorCode.DataTypeError => "Data type error",
        Hl7ErrorCode.TableValueNotFound => "Table value not found",
        Hl7ErrorCode.UnsupportedMessageType => "Unsupported message type",
        Hl7ErrorCode.UnsupportedEventCode => "Unsupported event code",
        Hl7ErrorCode.UnsupportedProcessingId => "Unsupported processing id",
        Hl7ErrorCode.UnsupportedVersionId => "Unsupported version id",
        _ => "Application internal error",
    };

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
