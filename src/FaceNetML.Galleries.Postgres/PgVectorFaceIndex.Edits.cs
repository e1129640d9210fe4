using Npgsql;

namespace FaceNetML.Recognition;

/// <summary>Edits of stored people: remove one face, rename, merge. Each is one transaction that also moves the stored
/// counts, so servers sharing the database see all of an edit or none of it.</summary>
public sealed partial class PgVectorFaceIndex
{
    public bool RemoveFace(string person, string source)
    {
        if (_readOnly) throw new InvalidOperationException($"{Location}: opened read-only");
        if (_info is null) return false;
        return Guard(() =>
        {
            using var c = Connect();
            using var tx = c.BeginTransaction();
            int faces;
            using (var cmd = new NpgsqlCommand($"DELETE FROM {_t} WHERE person_id = (SELECT id FROM {_person} WHERE name = $1) AND source = $2", c, tx))
            {
                cmd.Parameters.AddWithValue(person);
                cmd.Parameters.AddWithValue(source);
                faces = cmd.ExecuteNonQuery();
            }
            if (faces == 0) return false;
            int people;
            using (var cmd = new NpgsqlCommand($"DELETE FROM {_person} p WHERE p.name = $1 AND NOT EXISTS (SELECT 1 FROM {_t} f WHERE f.person_id = p.id)", c, tx))
            {
                cmd.Parameters.AddWithValue(person);
                people = cmd.ExecuteNonQuery();
            }
            if (_counted) AddToCounts(c, tx, -people, -faces);
            tx.Commit();
            return true;
        });
    }

    public bool Rename(string person, string to)
    {
        if (_readOnly) throw new InvalidOperationException($"{Location}: opened read-only");
        if (_info is null) return false;
        try
        {
            return Guard(() =>
            {
                using var c = Connect();
                using var cmd = new NpgsqlCommand($"UPDATE {_person} SET name = $2 WHERE name = $1", c);
                cmd.Parameters.AddWithValue(person);
                cmd.Parameters.AddWithValue(to);
                return cmd.ExecuteNonQuery() > 0;
            });
        }
        catch (BadInputException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new ArgumentException($"{to}: already enrolled", nameof(to), e);
        }
    }

    public bool Merge(string person, string into)
    {
        if (_readOnly) throw new InvalidOperationException($"{Location}: opened read-only");
        if (_info is null || person == into) return false;
        return Guard(() =>
        {
            using var c = Connect();
            using var tx = c.BeginTransaction();
            int? from = null, target = null;
            using (var cmd = new NpgsqlCommand($"SELECT id, name FROM {_person} WHERE name IN ($1, $2) ORDER BY id FOR UPDATE", c, tx))
            {
                cmd.Parameters.AddWithValue(person);
                cmd.Parameters.AddWithValue(into);
                using var r = cmd.ExecuteReader();
                while (r.Read())
                    if (r.GetString(1) == person) from = r.GetInt32(0);
                    else target = r.GetInt32(0);
            }
            if (from is null || target is null) return false;
            int dropped;
            using (var cmd = new NpgsqlCommand($"DELETE FROM {_t} WHERE person_id = $1 AND source IN (SELECT source FROM {_t} WHERE person_id = $2)", c, tx))
            {
                cmd.Parameters.AddWithValue(from.Value);
                cmd.Parameters.AddWithValue(target.Value);
                dropped = cmd.ExecuteNonQuery();
            }
            using (var cmd = new NpgsqlCommand($"UPDATE {_t} SET person_id = $2 WHERE person_id = $1", c, tx))
            {
                cmd.Parameters.AddWithValue(from.Value);
                cmd.Parameters.AddWithValue(target.Value);
                cmd.ExecuteNonQuery();
            }
            using (var cmd = new NpgsqlCommand($"DELETE FROM {_person} WHERE id = $1", c, tx))
            {
                cmd.Parameters.AddWithValue(from.Value);
                cmd.ExecuteNonQuery();
            }
            if (_counted) AddToCounts(c, tx, -1, -dropped);
            tx.Commit();
            return true;
        });
    }
}
