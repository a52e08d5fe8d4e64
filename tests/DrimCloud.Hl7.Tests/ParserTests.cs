using System.Text;
using DrimCloud.Hl7.Er7;

namespace DrimCloud.Hl7.Tests;

public sealed class ParserTests
{
    [Fact]
    public void Reads_the_header_and_fields_of_the_ANS_ORU_sample()
    {
        var m = Hl7Parser.Parse(File.ReadAllBytes(AnsSamples.ExamCOru));
        Assert.Equal("ORU", m.MessageType);
        Assert.Equal("R01", m.TriggerEvent);
        Assert.Equal("ORU_R01", m.MessageStructure);
        Assert.Equal("{{idMessage}}", m.ControlId);
        Assert.Equal("2.5", m.Version);
        Assert.Equal("UNICODE UTF-8", m.Charset);
        Assert.Equal("|", m.Header.Value(1));
        Assert.Equal("^~\\&", m.Header.Value(2));
        Assert.Equal(["MSH", "PID", "PV1", "ORC", "OBR", "OBX", "PRT", "OBX", "OBX", "OBX", "OBX", "OBX", "OBX", "OBX", "OBX", "OBX", "OBX"],
            m.Segments.Select(s => s.Id));
        var pid = m.First("PID")!;
        Assert.Equal(2, pid.RepetitionCount(3));
        Assert.Equal("279035121518989", pid.Value(3));
        Assert.Equal("1.2.250.1.213.1.4.10", pid.Value(3, 4, 2));
        Assert.Equal("PI", pid.Value(3, 5, repetition: 2));
        Assert.Equal("VALI", pid.Value(32));
        // UTF-8 decoded from MSH-18.
        Assert.Equal("Masqué aux professionnels de Santé", m.All("OBX").ElementAt(1).Value(3, 2));
    }

    [Theory]
    [InlineData("\r")]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public void Accepts_CR_CRLF_and_LF_segment_ends(string end)
    {
        var m = Hl7Parser.Parse(Encoding.ASCII.GetBytes($"MSH|^~\\&|A|B|C|D|20240101||ORU^R01|42|P|2.5{end}PID|||123{end}{end}OBX|1|ST|x||y{end}"));
        Assert.Equal(["MSH", "PID", "OBX"], m.Segments.Select(s => s.Id));
        Assert.Equal("y", m.First("OBX")!.Value(5));
    }

    [Fact]
    public void With_bare_LF_a_line_without_segment_id_continues_the_previous_segment()
    {
        var m = Hl7Parser.Parse(File.ReadAllBytes(AnsSamples.PrototypeOru));
        Assert.Equal(10, m.Segments.Count);
        var obx4 = m.All("OBX").ElementAt(3);
        Assert.Equal("INVISIBLE_REPRENSANTS_LEGAUX", obx4.Value(3));
        Assert.Equal("N", obx4.Value(5));
        // Declared 8859/1 (but written in UTF-8): the declaration is honoured, the base64 does not care.
        Assert.Equal("8859/1", m.Charset);
    }

    [Fact]
    public void After_a_CR_a_line_without_segment_id_is_an_error()
    {
        var e = Assert.Throws<Hl7Exception>(() => Hl7Parser.Parse("MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\r||N|\r"u8));
        Assert.Equal(Hl7ErrorCode.SegmentSequenceError, e.Code);
    }

    [Fact]
    public void Uses_the_delimiters_declared_in_MSH()
    {
        var m = Hl7Parser.Parse("MSH#*@!$#APP#FAC#R#F#1##ADT*A01#9#P#2.5\rPID###a$b*c@d$e"u8);
        Assert.Equal("ADT", m.MessageType);
        Assert.Equal("A01", m.TriggerEvent);
        var pid = m.First("PID")!;
        Assert.Equal("a", pid.Value(3, 1, 1));
        Assert.Equal("b", pid.Value(3, 1, 2));
        Assert.Equal("c", pid.Value(3, 2));
        Assert.Equal("d", pid.Value(3, 1, repetition: 2));
        Assert.Equal("e", pid.Value(3, 1, 2, repetition: 2));
    }

    [Fact]
    public void Decodes_Latin1_messages()
    {
        var bytes = Encoding.Latin1.GetBytes("MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5|||||FRA|8859/1\rPID|||1||MÉDICALE^Zoé");
        var m = Hl7Parser.Parse(bytes);
        Assert.Equal("MÉDICALE", m.First("PID")!.Value(5));
        Assert.Equal("Zoé", m.First("PID")!.Value(5, 2));
    }

    [Theory]
    [InlineData("")]
    [InlineData("PID|||1")]
    [InlineData("MSH|^~|A")]
    [InlineData("MSH|^^\\&|A|B|C|D|1||ORU^R01|1|P|2.5")]
    [InlineData("MSH|^~\\&|A|B|C|D|1||^R01|1|P|2.5")]
    [InlineData("MSH|^~\\&|A|B|C|D|1||ORU^R01||P|2.5")]
    [InlineData("MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|")]
    [InlineData("MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5|||||FRA|ISO IR87")]
    [InlineData("MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\rMSH|^~\\&|A|B|C|D|1||ORU^R01|2|P|2.5")]
    [InlineData("MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\rpid|1")]
    public void Bad_messages_raise_typed_errors(string text)
    {
        Assert.Throws<Hl7Exception>(() => Hl7Parser.Parse(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Limits_bound_size_segments_and_fields()
    {
        var header = "MSH|^~\\&|A|B|C|D|1||ORU^R01|1|P|2.5\r";
        var limits = new Hl7ParseLimits { MaxMessageBytes = 1000, MaxSegments = 5, MaxFieldsPerSegment = 12 };
        Assert.Throws<Hl7Exception>(() => Hl7Parser.Parse(Encoding.ASCII.GetBytes(header + new string('x', 1000)), limits));
        Assert.Throws<Hl7Exception>(() => Hl7Parser.Parse(Encoding.ASCII.GetBytes(header + string.Concat(Enumerable.Repeat("NTE|1\r", 5))), limits));
        Assert.Throws<Hl7Exception>(() => Hl7Parser.Parse(Encoding.ASCII.GetBytes(header + "NTE" + new string('|', 13)), limits));
        Assert.Equal(5, Hl7Parser.Parse(Encoding.ASCII.GetBytes(header + string.Concat(Enumerable.Repeat("NTE|1\r", 4))), limits).Segments.Count);
    }
}
