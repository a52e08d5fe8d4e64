using DrimCloud.Dicom.Imaging;

namespace DrimCloud.Dicom.Tests.Imaging;

/// <summary>The VOI functions at the points PS3.3 C.11.2.1.2.1 and C.11.2.1.3 define them by.</summary>
public sealed class VoiWindowTests
{
    [Theory]
    [InlineData(40, 400, -160.5, 0)]      // x ≤ c − 0.5 − (w − 1)/2 = −160
    [InlineData(40, 400, -160, 0)]
    [InlineData(40, 400, 239, 255)]       // x > c − 0.5 + (w − 1)/2 = 239 → ymax, and 239 itself gives ymax by the formula
    [InlineData(40, 400, 1000, 255)]
    [InlineData(40, 400, 39.5, 127.5)]    // the middle of the ramp
    public void Linear(double center, double width, double x, double expected) =>
        Assert.Equal(expected, new VoiWindow(center, width).Apply(x), 6);

    [Theory]
    [InlineData(100, 50, 75, 0)]          // x ≤ c − w/2
    [InlineData(100, 50, 125, 255)]       // x = c + w/2 is still on the ramp, at its top
    [InlineData(100, 50, 100, 127.5)]
    [InlineData(100, 50, 87.5, 63.75)]
    public void Linear_exact(double center, double width, double x, double expected) =>
        Assert.Equal(expected, new VoiWindow(center, width, VoiFunction.LinearExact).Apply(x), 6);

    [Fact]
    public void Sigmoid_is_half_way_at_the_center() =>
        Assert.Equal(127.5, new VoiWindow(10, 20, VoiFunction.Sigmoid).Apply(10), 6);

    [Theory]
    [InlineData(0.5, VoiFunction.Linear, false)]
    [InlineData(1, VoiFunction.Linear, true)]
    [InlineData(0.5, VoiFunction.LinearExact, true)]
    [InlineData(0, VoiFunction.Sigmoid, false)]
    public void Validity_of_widths(double width, VoiFunction function, bool valid) =>
        Assert.Equal(valid, new VoiWindow(0, width, function).IsValid);

    [Fact]
    public void The_range_window_maps_min_to_black_and_max_to_white()
    {
        var window = VoiWindow.FromRange(-1000, 3000);
        Assert.Equal(0, window.Apply(-1000));
        Assert.Equal(255, window.Apply(3000));
    }
}
