import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { get, post, setUnauthorizedHandler, tokenStore, type User } from './api.ts';

type Auth = {
  user: User | null;
  /** False until the stored token has been checked. */
  ready: boolean;
  login: (email: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
  /** Shows a changed account (the profile page saved it). */
  update: (u: User) => void;
  /** Forgets the token here only: the server already ended it (withdrawal, password reset). */
  forget: () => void;
};

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      tokenStore.set(null);
      setUser(null);
    });
    if (!tokenStore.get()) {
      setReady(true);
      return;
    }
    get<{ user: User }>('/api/auth/me')
      .then((d) => setUser(d.user))
      .catch(() => tokenStore.set(null))
      .finally(() => setReady(true));
  }, []);

  const login = useCallback(async (email: string, password: string) => {
    const d = await post<{ token: string; user: User }>('/api/auth/login', { email, password });
    tokenStore.set(d.token);
    setUser(d.user);
    return d.user;
  }, []);

  const logout = useCallback(async () => {
    // Forget the token here first, so a page loaded meanwhile never sends the token being revoked;
    // then revoke it at the server (keepalive: it survives navigating away).
    const token = tokenStore.get();
    tokenStore.set(null);
    setUser(null);
    if (!token) return;
    await fetch('/api/auth/logout', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
      keepalive: true,
    }).catch(() => {});
  }, []);

  const forget = useCallback(() => {
    tokenStore.set(null);
    setUser(null);
  }, []);
  const value = useMemo(
    () => ({ user, ready, login, logout, update: setUser, forget }),
    [user, ready, login, logout, forget],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

export const isOrganizer = (u: User | null) => u?.role === 'organizer' || u?.role === 'admin';
