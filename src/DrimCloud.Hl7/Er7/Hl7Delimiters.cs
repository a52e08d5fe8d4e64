namespace DrimCloud.Hl7.Er7;

/// <summary>The encoding characters of a message, read from MSH-1 and MSH-2.</summary>
public sealed record Hl7Delimiters(char Field, char Component, char Repetition, char Escape, char Subcomponent)
{
    public static readonly Hl7Delimiters Default = new('|', '^', '~', '\\', '&');

    /// <summary>MSH-2 as written in a message header.</summary>
    public string EncodingCharacters => $"{Component}{Repetition}{Escape}{Subcomponent}";

    internal bool IsDelimiter(char c) => c == Field || c == Component || c == Repetition || c == Escape || c == Subcomponent;
}
