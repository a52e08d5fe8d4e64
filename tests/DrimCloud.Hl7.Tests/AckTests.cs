using DrimCloud.Hl7.Ack;
using DrimCloud.Hl7.Er7;

namespace DrimCloud.Hl7.Tests;

public sealed class AckTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.FromHours(1));

    [Fact]
    public void AA_swaps_sender_and_receiver_and_echoes_the_control_id()
    {
        var original = Hl7Parser.Parse(AnsSamples.WithControlId(AnsSamples.ExamCMdm, "MSG-1"));
        var ack = Hl7Parser.Parse(Hl7Ack.Build(original, AckCode.AA, null, null, null, Now, "ACK-1"));
        Assert.Equal("ACK", ack.MessageType);
        Assert.Equal("T02", ack.TriggerEvent);
        Assert.Equal("ACK-1", ack.ControlId);
        Assert.Equal("2.6", ack.Version);
        Assert.Equal("UNICODE UTF-8", ack.Charset);
        Assert.Equal("AA", ack.First("MSA")!.Value(1));
        Assert.Equal("MSG-1", ack.First("MSA")!.Value(2));
        Assert.Null(ack.First("ERR"));
        Assert.Equal("20261128100000+0100", ack.Header.Value(7));
    }

    [Fact]
    public void AE_carries_the_reason_and_the_table_0357_code_escaped()
    {
        var original = Hl7Parser.Parse("MSH|^~\\&|RIS|HOSP|DRIM|CLOUD|1||ORU^R01|C-9|P|2.5\r"u8);
        var bytes = Hl7Ack.Build(original, AckCode.AE, "OBX-5 is not valid base64 | truncated", Hl7ErrorCode.DataTypeError, "OBX^1^5", Now);
        var ack = Hl7Parser.Parse(bytes);
        Assert.Equal("DRIM", ack.Header.Value(3));
        Assert.Equal("RIS", ack.Header.Value(5));
        var msa = ack.First("MSA")!;
        Assert.Equal("AE", msa.Value(1));
        Assert.Equal("C-9", msa.Value(2));
        Assert.Equal("OBX-5 is not valid base64 | truncated", msa.Value(3));
        var err = ack.First("ERR")!;
        Assert.Equal("OBX^1^5", err.Value(2));
        Assert.Equal("102", err.Value(3));
        Assert.Equal("HL70357", err.Value(3, 3));
        Assert.Equal("E", err.Value(4));
        Assert.Equal("OBX-5 is not valid base64 | truncated", err.Value(8));
    }

    [Fact]
    public void A_message_that_could_not_be_parsed_still_gets_an_ACK()
    {
        var ack = Hl7Parser.Parse(Hl7Ack.Build(null, AckCode.AE, "The message does not start with an MSH segment.", Hl7ErrorCode.SegmentSequenceError, null, Now));
        Assert.Equal("AE", ack.First("MSA")!.Value(1));
        Assert.Equal("100", ack.First("ERR")!.Value(3));
    }
}
