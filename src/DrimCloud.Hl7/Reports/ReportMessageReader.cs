using System.Text;
using DrimCloud.Hl7.Cda;
using DrimCloud.Hl7.Er7;

namespace DrimCloud.Hl7.Reports;

/// <summary>
/// Validates an ORU^R01 or MDM^T02/T10/T04 message of the CI-SIS "transmission d'un document CDA-R2 en HL7v2" profile
/// and extracts its content. The CDA is the signed document: when it and the HL7 fields both carry an accession number
/// or a Study Instance UID, the CDA's value wins; identifiers that must agree (PID-3 INS and the CDA recordTarget,
/// TXA-12 and the CDA id) are checked. Throws <see cref="Hl7Exception"/> with the reason.
/// </summary>
public static class ReportMessageReader
{
    /// <summary>OIDs of the INS: NIR, NIA, and their test counterparts.</summary>
    public static readonly IReadOnlySet<string> InsOids = new HashSet<string>(StringComparer.Ordinal)
    {
        "1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9", "1.2.250.1.213.1.4.10", "1.2.250.1.213.1.4.11",
    };

    public static ReportMessage Read(Hl7Message m)
    {
        if (!m.Version.StartsWith("2.", StringComparison.Ordinal))
            throw new Hl7Exception(Hl7ErrorCode.UnsupportedVersionId, $"HL7 version '{m.Version}' is not supported: 2.x expected.", "MSH^1^12");
        var action = m.MessageType switch
        {
            "ORU" when m.TriggerEvent == "R01" => (ReportAction?)null, // from OBX-11 below
            "MDM" => m.TriggerEvent switch
            {
                "T02" => ReportAction.New,
                "T10" => ReportAction.Replace,
                "T04" => ReportAction.Delete,
                _ => throw new Hl7Exception(Hl7ErrorCode.UnsupportedEventCode,
                    $"MDM event '{m.TriggerEvent}' is not supported: T02, T10 or T04 expected.", "MSH^1^9^2"),
            },
            "ORU" => throw new Hl7Exception(Hl7ErrorCode.UnsupportedEventCode, $"ORU event '{m.TriggerEvent}' is not supported: R01 expected.", "MSH^1^9^2"),
            _ => throw new Hl7Exception(Hl7ErrorCode.UnsupportedMessageType,
                $"Message type {m.TypeLabel} is not supported: ORU^R01 or MDM^T02/T10/T04 carrying a CDA report expected.", "MSH^1^9"),
        };

        var (obx, obxIndex, cda) = ReadDocument(m);
        var status = obx.Value(11);
        var fromStatus = status switch
        {
            "F" => ReportAction.New,
            "C" => ReportAction.Replace,
            "D" => ReportAction.Delete,
            _ => (ReportAction?)null,
        };
        var location = $"OBX^{obxIndex}^11";
        if (action is null)
        {
            action = fromStatus ?? throw new Hl7Exception(Hl7ErrorCode.TableValueNotFound,
                $"OBX-11 of the document must be F (new), C (replacement) or D (deletion), not '{status}'.", location);
        }
        else if (status.Length > 0 && fromStatus != action)
        {
            throw new Hl7Exception(Hl7ErrorCode.TableValueNotFound,
                $"OBX-11 '{status}' contradicts the event {m.TriggerEvent} (expects {Expected(action.Value)}).", location);
        }

        CdaHeader header;
        try
        {
            header = CdaHeader.Read(cda);
        }
        catch (CdaFormatException e)
        {
            throw new Hl7Exception(Hl7ErrorCode.DataTypeError, $"OBX-5 does not carry a usable CDA document: {e.Message}", $"OBX^{obxIndex}^5");
        }

        var documentId = header.DocumentId.ToString();
        var txa = m.First("TXA");
        if (txa is not null)
        {
            var txa12 = txa.Value(12);
            if (txa12.Length > 0 && txa12 != header.DocumentId.Root && txa12 != header.DocumentId.Extension && txa12 != documentId)
                throw new Hl7Exception(Hl7ErrorCode.DataTypeError, $"TXA-12 '{txa12}' differs from the CDA document id '{documentId}'.", "TXA^1^12");
        }
        var parent = header.ReplacedDocumentId?.ToString() ?? NullIfEmpty(txa?.Value(13));
        if (action == ReportAction.Replace && parent is null)
            throw new Hl7Exception(Hl7ErrorCode.RequiredFieldMissing,
                "A replacement must name the document it replaces (CDA relatedDocument typeCode=\"RPLC\", or TXA-13).", "TXA^1^13");

        var obr = m.First("OBR");
        var orc = m.First("ORC");
        return new ReportMessage
        {
            Message = m,
            Action = action.Value,
            DocumentId = documentId,
            ParentDocumentId = parent,
            SetId = header.SetId?.ToString(),
            VersionNumber = header.VersionNumber,
            Patient = ReadPatient(m.First("PID"), header),
            AccessionNumber = header.AccessionNumber?.Extension ?? NullIfEmpty(obr?.Value(18)),
            AccessionIssuer = header.AccessionNumber?.Extension is null ? null : header.AccessionNumber.Root,
            PlacerOrderNumber = header.OrderId?.Extension ?? NullIfEmpty(obr?.Value(2)) ?? NullIfEmpty(orc?.Value(2)),
            FillerOrderNumber = NullIfEmpty(obr?.Value(3)) ?? NullIfEmpty(orc?.Value(3)),
            StudyInstanceUid = header.StudyInstanceUid ?? StudyUidFromHl7(m),
            Title = header.Title,
            Cda = cda,
            CdaHeader = header,
            Flags = m.All("OBX").Where(o => o.Value(2) is "CE" or "CWE" && o.Value(3).Length > 0)
                .GroupBy(o => o.Value(3), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First().Value(5), StringComparer.Ordinal),
        };
    }

    private static string Expected(ReportAction a) => a switch { ReportAction.New => "F", ReportAction.Replace => "C", _ => "D" };

    // The first OBX of type ED carries the document; OBX-5 repetitions, and directly following ED OBX segments with
    // the same OBX-3 and a non-empty equal OBX-4 sub-id, are continuations of its data.
    private static (Hl7Segment Obx, int Index, byte[] Cda) ReadDocument(Hl7Message m)
    {
        var segments = m.Segments;
        var first = -1;
        for (var i = 0; i < segments.Count; i++)
        {
            if (segments[i].Id == "OBX" && segments[i].Value(2) == "ED") { first = i; break; }
        }
        if (first < 0)
            throw new Hl7Exception(Hl7ErrorCode.RequiredFieldMissing, "No OBX of type ED carries the CDA document.", "OBX");
        var obx = segments[first];
        var obxIndex = segments.Take(first + 1).Count(s => s.Id == "OBX");
        var parts = new List<Hl7Segment> { obx };
        var subId = obx.Value(4);
        for (var i = first + 1; subId.Length > 0 && i < segments.Count; i++)
        {
            var s = segments[i];
            if (s.Id != "OBX" || s.Value(2) != "ED" || s.Value(3) != obx.Value(3) || s.Value(4) != subId) break;
            parts.Add(s);
        }

        var encoding = "";
        var data = new StringBuilder();
        foreach (var part in parts)
        {
            foreach (var rep in part.RawRepetitions(5))
            {
                var components = rep.Count(c => c == m.Delimiters.Component) + 1;
                if (components >= 5)
                {
                    encoding = part.Component(rep, 4);
                    data.Append(part.Component(rep, 5));
                }
                else
                {
                    data.Append(part.Component(rep, 1)); // bare base64, as the ANS DRIMbox prototype sends it
                }
            }
        }
        if (data.Length == 0)
            throw new Hl7Exception(Hl7ErrorCode.RequiredFieldMissing, "OBX-5 of the document is empty.", $"OBX^{obxIndex}^5");
        var location = $"OBX^{obxIndex}^5";
        return (obx, obxIndex, Decode(encoding, data.ToString(), location, m.Encoding));
    }

    private static byte[] Decode(string encoding, string data, string location, Encoding messageEncoding)
    {
        switch (encoding.ToUpperInvariant())
        {
            case "" or "BASE64":
                var compact = data.Length > 0 && data.Any(char.IsWhiteSpace) ? new string(data.Where(c => !char.IsWhiteSpace(c)).ToArray()) : data;
                try { return Convert.FromBase64String(compact); }
                catch (FormatException)
                {
                    throw new Hl7Exception(Hl7ErrorCode.DataTypeError, "OBX-5 is not valid base64 (a truncated or altered document?).", location);
                }
            case "A":
                return messageEncoding.GetBytes(data);
            case "HEX":
                try { return Convert.FromHexString(data); }
                catch (FormatException)
                {
                    throw new Hl7Exception(Hl7ErrorCode.DataTypeError, "OBX-5 is not valid hexadecimal.", location);
                }
            default:
                throw new Hl7Exception(Hl7ErrorCode.TableValueNotFound, $"OBX-5 encoding '{encoding}' is not supported: Base64, A or Hex.", location);
        }
    }

    private static ReportPatient ReadPatient(Hl7Segment? pid, CdaHeader cda)
    {
        var cdaIns = cda.PatientIds.FirstOrDefault(i => InsOids.Contains(i.Root) && !string.IsNullOrEmpty(i.Extension));
        var cdaLocal = cda.PatientIds.FirstOrDefault(i => !InsOids.Contains(i.Root) && !string.IsNullOrEmpty(i.Extension));
        string? ins = null, insOid = null, local = null, localIssuer = null;
        string? birthFamily = null, firstGiven = null, givens = null, usedFamily = null, birthDate = null, sex = null, birthPlace = null, reliability = null;
        if (pid is not null)
        {
            foreach (var rep in pid.RawRepetitions(3))
            {
                var id = pid.Component(rep, 1);
                var authorityName = pid.Component(rep, 4, 1);
                var authorityOid = pid.Component(rep, 4, 2);
                var type = pid.Component(rep, 5);
                if (id.Length == 0) continue;
                if (InsOids.Contains(authorityOid))
                {
                    if (ins is null) { ins = id; insOid = authorityOid; }
                }
                else if (type == "INS")
                {
                    throw new Hl7Exception(Hl7ErrorCode.TableValueNotFound,
                        $"PID-3 has an INS whose assigning authority '{authorityOid}' is not an INS OID (1.2.250.1.213.1.4.8 to .11).", "PID^1^3");
                }
                else if (local is null || type == "PI")
                {
                    local = id;
                    localIssuer = authorityOid.Length > 0 ? authorityOid : NullIfEmpty(authorityName);
                }
            }
            foreach (var rep in pid.RawRepetitions(5))
            {
                var type = pid.Component(rep, 7);
                if (type == "L" && birthFamily is null)
                {
                    birthFamily = NullIfEmpty(pid.Component(rep, 1));
                    firstGiven = NullIfEmpty(pid.Component(rep, 2));
                    givens = NullIfEmpty(pid.Component(rep, 3));
                }
                else if (type == "D" && usedFamily is null)
                {
                    usedFamily = NullIfEmpty(pid.Component(rep, 1));
                }
            }
            var date = pid.Value(7);
            birthDate = date.Length >= 8 ? date[..8] : NullIfEmpty(date);
            sex = NullIfEmpty(pid.Value(8));
            foreach (var rep in pid.RawRepetitions(11))
            {
                if (pid.Component(rep, 7) == "BDL") { birthPlace = NullIfEmpty(pid.Component(rep, 9)); break; }
            }
            reliability = NullIfEmpty(pid.Value(32));
        }
        if (ins is not null && cdaIns is not null && (ins != cdaIns.Extension || insOid != cdaIns.Root))
            throw new Hl7Exception(Hl7ErrorCode.DataTypeError,
                "The INS in PID-3 differs from the INS of the CDA recordTarget: the message and its document name different patients.", "PID^1^3");
        if (ins is not null && ins.Length != 15)
            throw new Hl7Exception(Hl7ErrorCode.DataTypeError, "The INS matricule in PID-3 must have 15 characters.", "PID^1^3");

        return new ReportPatient
        {
            InsMatricule = ins ?? cdaIns?.Extension,
            InsOid = insOid ?? cdaIns?.Root,
            LocalId = local ?? cdaLocal?.Extension,
            LocalIdIssuer = local is not null ? localIssuer : cdaLocal?.Root,
            BirthFamilyName = birthFamily ?? cda.BirthFamilyName,
            FirstBirthGivenName = firstGiven ?? cda.FirstBirthGivenName,
            BirthGivenNames = givens ?? cda.BirthGivenNames,
            UsedFamilyName = usedFamily ?? cda.UsedFamilyName,
            BirthDate = birthDate ?? (cda.BirthDate is { Length: >= 8 } b ? b[..8] : cda.BirthDate),
            Sex = sex ?? cda.Sex,
            BirthPlaceCode = birthPlace ?? cda.BirthPlaceCode,
            IdentityReliability = reliability,
        };
    }

    private static string? StudyUidFromHl7(Hl7Message m)
    {
        // IHE radiology carries it in ZDS-1; some RIS send it as an OBX coded DCM 113014 ("Study Instance UID").
        var zds = m.First("ZDS")?.Value(1);
        if (!string.IsNullOrEmpty(zds)) return zds;
        var obx = m.All("OBX").FirstOrDefault(o => o.Value(3) == "113014" || o.Value(3, 2).Equals("Study Instance UID", StringComparison.OrdinalIgnoreCase));
        return NullIfEmpty(obx?.Value(5));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
