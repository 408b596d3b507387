using System.Text;

namespace Torsion.Names.Server;

/// <summary>
/// Splits a zone file into entries (RFC 1035 §5.1): whitespace separates words, <c>;</c> starts a
/// comment outside quotes, parentheses let an entry span lines, a backslash escapes the next
/// character (kept in the word for the name and string decoders), and quotes group a word.
/// </summary>
internal static class ZoneTokenizer
{
    /// <summary>The entries of <paramref name="text"/>; syntax errors name <paramref name="fileName"/> and the line.</summary>
    public static List<ZoneEntry> Split(string text, string fileName)
    {
        var entries = new List<ZoneEntry>();
        var tokens = new List<ZoneToken>();
        var word = new StringBuilder();
        int line = 1, entryLine = 1, parenLine = 0;
        var inParens = false;
        var atLineStart = true;
        var blankOwner = false;
        var i = 0;

        void Flush()
        {
            if (tokens.Count > 0) entries.Add(new ZoneEntry(entryLine, blankOwner, tokens));
            tokens = [];
            blankOwner = false;
        }

        void Add(string value, bool quoted)
        {
            if (tokens.Count == 0) entryLine = line;
            tokens.Add(new ZoneToken(value, quoted));
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (!inParens)
                {
                    Flush();
                    atLineStart = true;
                }
                line++;
                i++;
                continue;
            }
            if (c is ' ' or '\t' or '\r')
            {
                if (atLineStart && tokens.Count == 0) blankOwner = true;
                atLineStart = false;
                i++;
                continue;
            }
            atLineStart = false;
            switch (c)
            {
                case ';':
                    while (i < text.Length && text[i] != '\n') i++;
                    continue;
                case '(':
                    if (inParens) throw new ZoneFileException(fileName, line, "nested '(' (the '(' on line " + parenLine + " is still open)");
                    if (tokens.Count == 0) entryLine = line;
                    inParens = true;
                    parenLine = line;
                    i++;
                    continue;
                case ')':
                    if (!inParens) throw new ZoneFileException(fileName, line, "')' without '('");
                    inParens = false;
                    i++;
                    continue;
                case '"':
                    i++;
                    word.Clear();
                    while (true)
                    {
                        if (i >= text.Length || text[i] == '\n') throw new ZoneFileException(fileName, line, "unterminated quoted string");
                        if (text[i] == '"') break;
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] != '\n')
                        {
                            word.Append(text[i]).Append(text[i + 1]);
                            i += 2;
                            continue;
                        }
                        word.Append(text[i++]);
                    }
                    i++;
                    Add(word.ToString(), quoted: true);
                    continue;
            }
            word.Clear();
            while (i < text.Length)
            {
                c = text[i];
                if (c is ' ' or '\t' or '\r' or '\n' or ';' or '(' or ')' or '"') break;
                if (c == '\\' && i + 1 < text.Length && text[i + 1] != '\n')
                {
                    word.Append(c).Append(text[i + 1]);
                    i += 2;
                    continue;
                }
                word.Append(c);
                i++;
            }
            Add(word.ToString(), quoted: false);
        }
        if (inParens) throw new ZoneFileException(fileName, parenLine, "'(' is never closed");
        Flush();
        return entries;
    }
}
