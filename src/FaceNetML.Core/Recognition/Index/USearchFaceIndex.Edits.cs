using Microsoft.Data.Sqlite;

namespace FaceNetML.Recognition;

/// <summary>Edits of stored people: remove one face, rename, merge. Each is one SQLite transaction; the HNSW graph
/// follows once it commits (a removed face leaves the graph; renames and merges only move rows between persons, so the
/// graph's keys stay).</summary>
public sealed partial class USearchFaceIndex
{
    public bool RemoveFace(string person, string source)
    {
        ThrowIfReadOnly();
        lock (_writeLock)
        {
            if (!_personId.TryGetValue(person, out var id)) return false;
            using var tx = _db.BeginTransaction(deferred: false);
            long? face;
            using (var cmd = Command("DELETE FROM face WHERE person_id = $p AND source = $s RETURNING id", tx))
            {
                cmd.Parameters.AddWithValue("$p", id);
                cmd.Parameters.AddWithValue("$s", source);
                face = cmd.ExecuteScalar() as long?;
            }
            if (face is null) return false;
            bool emptied;
            using (var cmd = Command("DELETE FROM person WHERE id = $p AND NOT EXISTS (SELECT 1 FROM face WHERE person_id = $p)", tx))
            {
                cmd.Parameters.AddWithValue("$p", id);
                emptied = cmd.ExecuteNonQuery() > 0;
            }
            Bump(tx);
            tx.Commit();
            _faceOwner.Remove(face.Value);
            _hnsw?.Remove((ulong)face.Value);
            if (emptied)
            {
                _personId.Remove(person);
                _personName[id] = null;
            }
            _dirty = true;
            return true;
        }
    }

    public bool Rename(string person, string to)
    {
        ThrowIfReadOnly();
        lock (_writeLock)
        {
            if (!_personId.TryGetValue(person, out var id)) return false;
            if (person == to) return true;
            if (_personId.ContainsKey(to)) throw new ArgumentException($"{to}: already enrolled", nameof(to));
            using var tx = _db.BeginTransaction(deferred: false);
            using (var cmd = Command("UPDATE person SET name = $n WHERE id = $p", tx))
            {
                cmd.Parameters.AddWithValue("$n", to);
                cmd.Parameters.AddWithValue("$p", id);
                try { cmd.ExecuteNonQuery(); }
                catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: another process enrolled 'to'
                {
                    throw new ArgumentException($"{to}: already enrolled", nameof(to), e);
                }
            }
            Bump(tx);
            tx.Commit();
            _personId.Remove(person);
            _personId[to] = id;
            _personName[id] = to;
            return true;
        }
    }

    public bool Merge(string person, string into)
    {
        ThrowIfReadOnly();
        lock (_writeLock)
        {
            if (person == into || !_personId.TryGetValue(person, out var from) || !_personId.TryGetValue(into, out var target)) return false;
            using var tx = _db.BeginTransaction(deferred: false);
            var dropped = new List<long>();
            using (var cmd = Command("DELETE FROM face WHERE person_id = $f AND source IN (SELECT source FROM face WHERE person_id = $t) RETURNING id", tx))
            {
                cmd.Parameters.AddWithValue("$f", from);
                cmd.Parameters.AddWithValue("$t", target);
                using var r = cmd.ExecuteReader();
                while (r.Read()) dropped.Add(r.GetInt64(0));
            }
            var moved = new List<long>();
            using (var cmd = Command("UPDATE face SET person_id = $t WHERE person_id = $f RETURNING id", tx))
            {
                cmd.Parameters.AddWithValue("$f", from);
                cmd.Parameters.AddWithValue("$t", target);
                using var r = cmd.ExecuteReader();
                while (r.Read()) moved.Add(r.GetInt64(0));
            }
            using (var cmd = Command("DELETE FROM person WHERE id = $f", tx))
            {
                cmd.Parameters.AddWithValue("$f", from);
                cmd.ExecuteNonQuery();
            }
            Bump(tx);
            tx.Commit();
            foreach (var f in dropped)
            {
                _faceOwner.Remove(f);
                _hnsw?.Remove((ulong)f);
            }
            foreach (var f in moved) _faceOwner[f] = target;
            _personId.Remove(person);
            _personName[from] = null;
            _dirty = true;
            return true;
        }
    }
}
