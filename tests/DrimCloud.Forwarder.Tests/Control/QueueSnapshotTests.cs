using DrimCloud.Forwarder.Control;

namespace DrimCloud.Forwarder.Tests.Control;

public sealed class QueueSnapshotTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Two_queues_add_up_and_keep_the_oldest_item_and_the_latest_events()
    {
        var dicom = new QueueSnapshot(10, 5_000, T0.AddMinutes(5), 1, T0.AddMinutes(9), "STOW 503", T0.AddMinutes(7));
        var reports = new QueueSnapshot(2, 300, T0, 0, T0.AddMinutes(8), "relay timeout", T0.AddMinutes(8));
        var sum = dicom.Plus(reports);
        Assert.Equal(new QueueSnapshot(12, 5_300, T0, 1, T0.AddMinutes(9), "relay timeout", T0.AddMinutes(8)), sum);
        Assert.Equal(sum, reports.Plus(dicom));
    }

    [Fact]
    public void An_empty_queue_changes_nothing()
    {
        var dicom = new QueueSnapshot(3, 30, T0, 0, null, "x", T0);
        Assert.Equal(dicom, dicom.Plus(QueueSnapshot.Empty));
        Assert.Equal(dicom, QueueSnapshot.Empty.Plus(dicom));
    }
}
